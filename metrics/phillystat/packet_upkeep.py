"""Upkeep of review packets, run by beat: builds whose process died are given
to a live worker (packets_sweep), and ready packets whose data changed are
marked stale and rebuilt once the changes settle (packets_freshness_check).
How a build is leased and claimed: packets.py."""

import hashlib
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_enqueue_many

from . import packet_notices, packet_render
from .models import PacketSection, PhillyStatMeeting, ReviewPacket
from .packet_files import temp_files_clean
from .packets import (
    AUTO_BUILD_DAYS_AHEAD,
    LEASE,
    MAX_BUILD_ATTEMPTS,
    REBUILD_DEBOUNCE,
    REQUEUE_AFTER,
    SectionStatus,
    Status,
    _department_packet,
    _fail_packet,
    packet_request,
    stalled_q,
)

# Beat runs packets_sweep this often (the schedule is made by a migration): a
# build whose worker died is taken over within LEASE + SWEEP_EVERY.
SWEEP_EVERY = timedelta(seconds=15)


def packets_sweep(*, now=None) -> dict:
    """Give the work of dead processes to live ones (beat, every 15 seconds):
    parts whose heartbeat stopped are queued again, or failed after
    MAX_BUILD_ATTEMPTS; queued parts whose message may be lost are queued
    again. Runs in a fixed number of queries unless something died."""
    now = now or timezone.now()
    stale = now - LEASE
    requeue_sections: list[int] = []
    requeue_packets: list[int] = []
    failed = 0
    for s in PacketSection.objects.filter(
        status=SectionStatus.BUILDING, heartbeat_at__lt=stale
    ).select_related("department")[:500]:
        mine = PacketSection.objects.filter(
            pk=s.pk, status=SectionStatus.BUILDING, build_token=s.build_token
        )
        if s.attempts >= MAX_BUILD_ATTEMPTS:
            error = (
                f"The section of {s.department.name} stopped {s.attempts} times without "
                "finishing; retry it, and tell the administrator if it fails again."
            )
            if mine.update(status=SectionStatus.FAILED, error=error, heartbeat_at=None):
                _fail_packet(s.packet_id, error)
                failed += 1
        elif mine.update(status=SectionStatus.QUEUED, queued_at=now, heartbeat_at=None):
            requeue_sections.append(s.pk)
    lost = PacketSection.objects.filter(
        status=SectionStatus.QUEUED,
        queued_at__lt=now - REQUEUE_AFTER,
        packet__status=Status.BUILDING,
    )
    lost_ids = list(lost.values_list("pk", flat=True)[:2000])
    PacketSection.objects.filter(pk__in=lost_ids).update(queued_at=now)
    requeue_sections += lost_ids
    for p in ReviewPacket.objects.filter(status=Status.BUILDING, heartbeat_at__lt=stale):
        mine = ReviewPacket.objects.filter(
            pk=p.pk, status=Status.BUILDING, build_token=p.build_token
        )
        if p.attempts >= MAX_BUILD_ATTEMPTS:
            gave_up = mine.update(
                status=Status.FAILED,
                finished_at=now,
                heartbeat_at=None,
                error=f"The build stopped {p.attempts} times without finishing; "
                "retry it, and tell the administrator if it fails again.",
            )
            if gave_up:
                packet_notices.packet_result_notify(packet_id=p.pk)
            failed += gave_up
        elif mine.update(status=Status.QUEUED, queued_at=now, heartbeat_at=None):
            requeue_packets.append(p.pk)
    lost_packets = list(
        ReviewPacket.objects.filter(
            status=Status.QUEUED, queued_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    ReviewPacket.objects.filter(pk__in=lost_packets).update(queued_at=now)
    requeue_packets += lost_packets
    # Every section ready but no merge running or done: the merging process died
    # between the last section and its claim.
    unmerged = list(
        ReviewPacket.objects.filter(status=Status.BUILDING, heartbeat_at=None)
        .annotate(
            waiting=Count("sections", filter=~Q(sections__status=SectionStatus.READY)),
            last_done=Max("sections__finished_at"),
        )
        .filter(waiting=0, last_done__lt=stale)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        outbox_enqueue_many(
            task_name="metrics.packet_section_build", args_list=[[pk] for pk in requeue_sections]
        )
        outbox_enqueue_many(
            task_name="metrics.packet_build", args_list=[[pk] for pk in requeue_packets]
        )
        outbox_enqueue_many(task_name="metrics.packet_merge", args_list=[[pk] for pk in unmerged])
    if hasattr(default_storage, "path"):
        temp_files_clean(default_storage, older_than=timedelta(hours=1))
    return {
        "sections": len(requeue_sections),
        "packets": len(requeue_packets),
        "merges": len(unmerged),
        "failed": failed,
    }


def packet_current_fingerprint(packet: ReviewPacket) -> str:
    """The fingerprint the packet would have if it were built now."""
    sections = list(
        packet.sections.select_related("department", "packet__meeting__department").order_by(
            "position"
        )
    )
    prints = [packet_render.html_fingerprint(packet_render.section_html(s)) for s in sections]
    return hashlib.sha256("".join(prints).encode()).hexdigest()


def packets_freshness_check(*, now=None) -> dict:
    """Find ready meeting packets whose data changed after they were built
    (beat, every minute): mark them stale at once, and rebuild each once the
    changes have settled for REBUILD_DEBOUNCE. Only packets of meetings still
    ahead (or today): a packet of a past meeting is a record of it."""
    now = now or timezone.now()
    marked = rebuilt = 0
    live = ReviewPacket.objects.filter(
        kind=ReviewPacket.Kind.DEPARTMENT,
        status=Status.READY,
        meeting__date__gte=timezone.localdate(now),
    ).select_related("meeting__department")
    for packet in live:
        current = packet_current_fingerprint(packet)
        mine = ReviewPacket.objects.filter(
            pk=packet.pk, status=Status.READY, stale_fingerprint=packet.stale_fingerprint
        )
        if current == packet.fingerprint:
            if packet.stale_since:  # changed back
                mine.update(stale_since=None, stale_fingerprint="")
        elif current != packet.stale_fingerprint:
            # New changes: shown at once; the debounce starts again.
            marked += mine.update(stale_since=now, stale_fingerprint=current)
        elif packet.stale_since <= now - REBUILD_DEBOUNCE:
            rebuilt += packet_request(packet=packet, now=now)
    return {"marked": marked, "rebuilt": rebuilt}


# -- Reads for the pages ----------------------------------------------------------------


def packets_with_progress(qs):
    """Annotate sections_total and sections_ready (n of N departments)."""
    return qs.annotate(
        sections_total=Count("sections"),
        sections_ready=Count("sections", filter=Q(sections__status=SectionStatus.READY)),
    )


def packet_stalled(packet: ReviewPacket, *, now=None) -> bool:
    now = now or timezone.now()
    return ReviewPacket.objects.filter(pk=packet.pk).filter(stalled_q(now)).exists()


def packets_schedule_due(*, today=None) -> list[int]:
    """Queue the packets of meetings up to three days ahead that have none:
    those that fell due while beat was down too, never those of past
    meetings. A fixed number of queries however many are due."""
    today = today or fiscal.today()
    now = timezone.now()
    due = list(
        PhillyStatMeeting.objects.filter(
            date__gte=today,
            date__lte=today + timedelta(days=AUTO_BUILD_DAYS_AHEAD),
            packet__isnull=True,
            department__active=True,
        ).select_related("department")
    )
    if not due:
        return []
    with transaction.atomic():
        # The meeting's one-to-one packet makes a second scheduler create nothing.
        ReviewPacket.objects.bulk_create(
            [_department_packet(m, now=now) for m in due], ignore_conflicts=True
        )
        created = list(
            ReviewPacket.objects.filter(
                meeting__in=due, status=Status.QUEUED, queued_at=now
            ).values_list("pk", flat=True)
        )
        outbox_enqueue_many(task_name="metrics.packet_build", args_list=[[pk] for pk in created])
    return created
