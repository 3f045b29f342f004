"""Review packets: how a build is requested, shared out, leased, recovered and
put together. What a packet says is in packet_render.py; the assembly of its
PDF in packet_merge.py.

A packet is built in parts, so that several workers (on several hosts) share
an outcomes packet of every department:

1. packet_build (fan-out) claims the packet, makes one PacketSection per
   department in agenda order and queues a section build for each that is
   not ready;
2. packet_section_build renders one department's section, or reuses the PDF
   of an identical section (same data fingerprint) built before;
3. whoever finishes the last section merges: packet_merge adds the cover, the
   table of contents and page numbers (pypdf) and stores the packet.

Every step claims its row with a compare-and-swap and holds a lease while it
works: a heartbeat thread refreshes `heartbeat_at` every few seconds. A step
whose process died (a pool child or a whole worker killed) stops beating;
packets_sweep (beat, every 15 seconds) gives its work to another worker within
PACKET_BUILD_LEASE_SECONDS, and marks it failed after MAX_BUILD_ATTEMPTS. A
failing department fails the packet with its name; Retry queues only what is
not ready.

Files are written through Django's storage API (local disk or S3): final names
only ever hold complete files (a local file is written under a temporary name
and moved into place; an S3 upload is atomic).
"""

import hashlib
import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_enqueue, outbox_enqueue_many
from departments.models import Department

from . import packet_notices, packet_render
from .models import PacketSection, PhillyStatMeeting, ReviewPacket
from .packet_files import stored_file_save
from .packet_merge import packet_compose_files

logger = logging.getLogger(__name__)

PACKET_DIR = "packets"
# Three days before the meeting the packet is built without anyone asking.
AUTO_BUILD_DAYS_AHEAD = 3
HEARTBEAT = timedelta(seconds=settings.PACKET_HEARTBEAT_SECONDS)
# A build whose heartbeat is older than this lost its process; another takes over.
LEASE = timedelta(seconds=settings.PACKET_BUILD_LEASE_SECONDS)
# A queued part whose message may have been lost with its worker is queued again.
REQUEUE_AFTER = timedelta(minutes=10)
# Changes must have settled this long before a stale packet is rebuilt.
REBUILD_DEBOUNCE = timedelta(seconds=settings.PACKET_REBUILD_DEBOUNCE_SECONDS)
MAX_BUILD_ATTEMPTS = 3
# The merge's child process; under the merge task's own time limit.
MERGE_TIMEOUT = 8 * 60

Status = ReviewPacket.Status
SectionStatus = PacketSection.Status


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def _heartbeat(model, pk: int, token: str):
    """Refresh the row's heartbeat while the block runs (from a thread, so a
    long render keeps its lease); stops when the process dies."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(HEARTBEAT.total_seconds()):
                model.objects.filter(pk=pk, build_token=token).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat only risks a takeover, which is safe
            logger.exception("Heartbeat of %s %s failed", model.__name__, pk)
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT.total_seconds() + 5)


# -- Requests ---------------------------------------------------------------------------


def _claim(model, pk: int, now, **also) -> str | None:
    """Take the build of a packet or section: a queued one, or one whose
    heartbeat stopped (its process died) with attempts left. The build's token,
    or None when another process holds it."""
    token = uuid.uuid4().hex
    claimed = (
        model.objects.filter(pk=pk)
        .filter(
            Q(status=model.Status.QUEUED)
            | Q(
                status=model.Status.BUILDING,
                heartbeat_at__lt=now - LEASE,
                attempts__lt=MAX_BUILD_ATTEMPTS,
            )
        )
        .update(
            status=model.Status.BUILDING,
            heartbeat_at=now,
            build_token=token,
            built_by=_worker_name(),
            started_at=now,
            attempts=F("attempts") + 1,
            **also,
        )
    )
    return token if claimed else None


def stalled_q(now) -> Q:
    """A packet whose build lost its process: its own lease expired, or a
    section's did."""
    stale = now - LEASE
    dead_section = PacketSection.objects.filter(
        packet=OuterRef("pk"), status=SectionStatus.BUILDING, heartbeat_at__lt=stale
    )
    return Q(status=Status.BUILDING) & (Q(heartbeat_at__lt=stale) | Q(Exists(dead_section)))


def packet_request(*, packet: ReviewPacket, user=None, now=None) -> bool:
    """Queue a (re)build: of a ready or failed packet, or of one whose build
    stalled. False when a build is queued or running."""
    now = now or timezone.now()
    with transaction.atomic():
        previous = (
            ReviewPacket.objects.filter(pk=packet.pk).values_list("status", flat=True).first()
        )
        updated = (
            ReviewPacket.objects.filter(pk=packet.pk)
            .filter(Q(status__in=[Status.READY, Status.FAILED]) | stalled_q(now))
            .update(
                status=Status.QUEUED,
                queued_at=now,
                error="",
                requested_by=user,
                heartbeat_at=None,
                build_token="",
                attempts=0,
            )
        )
        if not updated:
            return False
        sections = PacketSection.objects.filter(packet_id=packet.pk)
        if previous != Status.READY:
            # Retry: what was ready stays; only the rest is built again.
            sections = sections.exclude(status=SectionStatus.READY)
        # A rebuild checks every section again (an unchanged one is reused).
        sections.update(
            status=SectionStatus.QUEUED, queued_at=now, error="", attempts=0, build_token=""
        )
        outbox_enqueue(task_name="metrics.packet_build", args=[packet.pk])
    return True


def _department_packet(meeting: PhillyStatMeeting, *, user=None, now=None) -> ReviewPacket:
    return ReviewPacket(
        meeting=meeting,
        kind=ReviewPacket.Kind.DEPARTMENT,
        department=meeting.department,
        title=f"{meeting.department.name} — PhillyStat meeting, {meeting.quarter_label}",
        requested_by=user,
        queued_at=now or timezone.now(),
    )


def meeting_packet_request(*, meeting: PhillyStatMeeting, user=None) -> ReviewPacket:
    with transaction.atomic():
        packet = ReviewPacket.objects.filter(meeting=meeting).first()
        if packet is None:
            packet = _department_packet(meeting, user=user)
            packet.save()
            outbox_enqueue(task_name="metrics.packet_build", args=[packet.pk])
        else:
            packet_request(packet=packet, user=user)
    return packet


def outcomes_packet_request(*, user=None, title: str | None = None) -> ReviewPacket:
    with transaction.atomic():
        quarter = fiscal.last_completed_quarter()
        packet = ReviewPacket.objects.create(
            kind=ReviewPacket.Kind.OUTCOMES,
            title=title or f"Outcomes session packet — every department, data to {quarter.label}",
            requested_by=user,
            queued_at=timezone.now(),
        )
        outbox_enqueue(task_name="metrics.packet_build", args=[packet.pk])
    return packet


# -- Building ---------------------------------------------------------------------------


def _packet_departments(packet: ReviewPacket) -> list[Department]:
    if packet.kind == ReviewPacket.Kind.DEPARTMENT:
        return [packet.meeting.department]
    return list(Department.objects.filter(active=True).order_by("name"))


def packet_build(*, packet_id: int) -> bool:
    """Fan out: claim the packet, make its sections and queue those not ready.
    Safe to run twice: a second run while one is live does nothing."""
    now = timezone.now()
    # What changes from now on makes the new packet stale again.
    token = _claim(ReviewPacket, packet_id, now, stale_since=None, stale_fingerprint="")
    if not token:
        return False
    packet = ReviewPacket.objects.select_related("meeting__department").get(pk=packet_id)
    departments = _packet_departments(packet)
    with transaction.atomic():
        existing = {s.department_id: s for s in packet.sections.all()}
        wanted = {d.pk for d in departments}
        packet.sections.exclude(department_id__in=wanted).delete()
        moved = []
        for position, department in enumerate(departments):
            section = existing.get(department.pk)
            if section and section.position != position:
                section.position = position
                moved.append(section)
        PacketSection.objects.bulk_update(moved, ["position"])
        PacketSection.objects.bulk_create(
            [
                PacketSection(packet=packet, department=d, position=i, queued_at=now)
                for i, d in enumerate(departments)
                if d.pk not in existing
            ],
            ignore_conflicts=True,
        )
        waiting = list(
            packet.sections.filter(status=SectionStatus.QUEUED).values_list("pk", flat=True)
        )
        outbox_enqueue_many(
            task_name="metrics.packet_section_build", args_list=[[pk] for pk in waiting]
        )
        # The sections hold leases of their own from here on.
        ReviewPacket.objects.filter(pk=packet_id, build_token=token).update(heartbeat_at=None)
    if not packet.sections.exclude(status=SectionStatus.READY).exists():
        _merge_now_or_queue(packet_id)  # nothing to render: every section is ready
    return True


def packet_build_in_process(*, packet_id: int) -> bool:
    """Every step of a build in this process, one after the other (the demo
    seed and the benchmarks, where no worker runs). True if it is ready."""
    packet_build(packet_id=packet_id)
    waiting = PacketSection.objects.filter(packet_id=packet_id, status=SectionStatus.QUEUED)
    for pk in list(waiting.values_list("pk", flat=True)):
        packet_section_build(section_id=pk)
    packet_merge(packet_id=packet_id)
    return ReviewPacket.objects.filter(pk=packet_id, status=Status.READY).exists()


def _fail_packet(packet_id: int, error: str, token: str = "") -> None:
    failing = ReviewPacket.objects.filter(pk=packet_id, status__in=[Status.QUEUED, Status.BUILDING])
    if failing.filter(**({"build_token": token} if token else {})).update(
        status=Status.FAILED, error=error[:1000], finished_at=timezone.now(), heartbeat_at=None
    ):
        packet_notices.packet_result_notify(packet_id=packet_id)


def _cached_section(fingerprint: str, storage) -> PacketSection | None:
    """A section built before from the same data whose file is still there (a
    file is recorded only once the section was ready)."""
    for twin in PacketSection.objects.filter(fingerprint=fingerprint).exclude(file="")[:3]:
        if storage.exists(twin.file):
            return twin
    return None


def packet_section_build(*, section_id: int) -> bool:
    """Render one department's section (or reuse an identical one), then merge
    the packet if it was the last. Safe to run twice."""
    now = timezone.now()
    token = _claim(PacketSection, section_id, now, error="")
    if not token:
        return False
    section = PacketSection.objects.select_related("department", "packet__meeting__department").get(
        pk=section_id
    )
    storage = default_storage
    try:
        with _heartbeat(PacketSection, section_id, token):
            html = packet_render.section_html(section)
            fingerprint = packet_render.html_fingerprint(html)
            twin = _cached_section(fingerprint, storage)
            if twin:
                name, pages, contents = twin.file, twin.pages, twin.contents
            else:
                pdf, pages, anchors = packet_render.render_pdf(html)
                name = stored_file_save(
                    storage, packet_render.section_storage_name(fingerprint), pdf
                )
                contents = packet_render.section_contents(anchors)
    except Exception as exc:
        logger.exception("Section %s (%s) failed", section_id, section.department)
        reason = f"{type(exc).__name__}: {exc}"
        PacketSection.objects.filter(pk=section_id, build_token=token).update(
            status=SectionStatus.FAILED,
            error=reason[:1000],
            finished_at=timezone.now(),
            heartbeat_at=None,
        )
        _fail_packet(
            section.packet_id,
            f"The section of {section.department.name} could not be built: {reason}",
        )
        return False
    done = PacketSection.objects.filter(pk=section_id, build_token=token).update(
        status=SectionStatus.READY,
        fingerprint=fingerprint,
        file=name,
        pages=pages,
        contents=contents,
        data_as_of=now,
        finished_at=timezone.now(),
        heartbeat_at=None,
    )
    if (
        done
        and not PacketSection.objects.filter(packet_id=section.packet_id)
        .exclude(status=SectionStatus.READY)
        .exists()
    ):
        _merge_now_or_queue(section.packet_id)
    return bool(done)


def _merge_now_or_queue(packet_id: int) -> None:
    """A one-department packet is merged at once; a larger one by a task of its
    own (with the time limit a merge of hundreds of sections needs)."""
    if PacketSection.objects.filter(packet_id=packet_id).count() <= 1:
        packet_merge(packet_id=packet_id)
    else:
        outbox_enqueue(task_name="metrics.packet_merge", args=[packet_id])


def _local_copy(data, folder: str, name: str) -> str:
    """The bytes, or the storage file (local disk or S3), as a file of the merge's
    own folder: the merge process reads files, not the storage."""
    path = os.path.join(folder, f"{name}.pdf")
    with open(path, "wb") as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            with data:
                shutil.copyfileobj(data, out)
    return path


def _entries(sections: list[PacketSection], first_page: int) -> list[dict]:
    entries, page = [], first_page
    for s in sections:
        entries.append(
            {
                "department": s.department,
                "page": page,
                "contents": [[heading, page + offset] for heading, offset in s.contents],
            }
        )
        page += s.pages
    return entries


def _cover(packet: ReviewPacket, sections: list[PacketSection], data_as_of) -> tuple[bytes, int]:
    """The cover and contents; rendered again if the page numbers change its length."""
    cover_pages = 2
    for _ in range(3):
        html = packet_render.cover_html(
            packet, entries=_entries(sections, cover_pages + 1), data_as_of=data_as_of
        )
        pdf, pages, _anchors = packet_render.render_pdf(html)
        if pages == cover_pages:
            break
        cover_pages = pages
    return pdf, pages


def packet_merge(*, packet_id: int) -> bool:
    """Put the packet together once every section is ready. Safe to run twice."""
    now = timezone.now()
    token = uuid.uuid4().hex
    not_ready = PacketSection.objects.filter(packet=OuterRef("pk")).exclude(
        status=SectionStatus.READY
    )
    claimed = (
        ReviewPacket.objects.filter(pk=packet_id, status=Status.BUILDING)
        .filter(Q(heartbeat_at=None) | Q(heartbeat_at__lt=now - LEASE))
        .exclude(Exists(not_ready))
        .update(heartbeat_at=now, build_token=token, built_by=_worker_name())
    )
    if not claimed:
        return False
    packet = ReviewPacket.objects.select_related("meeting__department", "department").get(
        pk=packet_id
    )
    sections = list(packet.sections.select_related("department").order_by("position"))
    storage = default_storage
    try:
        with _heartbeat(ReviewPacket, packet_id, token), tempfile.TemporaryDirectory() as work:
            data_as_of = min((s.data_as_of for s in sections if s.data_as_of), default=now)
            cover, cover_pages = _cover(packet, sections, data_as_of)
            spec = {
                "cover": _local_copy(cover, work, "cover"),
                "cover_pages": cover_pages,
                "title": packet.title,
                "sections": [
                    {
                        "name": s.department.name,
                        "pdf": _local_copy(storage.open(s.file, "rb"), work, f"s{s.pk}"),
                        "contents": s.contents,
                    }
                    for s in sections
                ],
                "out": os.path.join(work, "packet.pdf"),
            }
            peak = packet_compose_files(spec=spec, timeout=MERGE_TIMEOUT)
            logger.info(
                "Packet %s merged: %s sections, merge process peak %.0f MiB",
                packet_id,
                len(sections),
                peak,
            )
            with open(spec["out"], "rb") as fh:
                pdf = fh.read()
            checksum = hashlib.sha256(pdf).hexdigest()
            slug = packet.department.slug if packet.department else "outcomes"
            final = stored_file_save(
                storage, f"{PACKET_DIR}/{slug}/packet-{packet.pk}-{checksum[:16]}.pdf", pdf
            )
    except Exception as exc:
        logger.exception("Packet %s could not be put together", packet_id)
        reason = f"The packet could not be put together: {type(exc).__name__}: {exc}"
        _fail_packet(packet_id, reason, token)
        return False
    fingerprint = hashlib.sha256("".join(s.fingerprint for s in sections).encode()).hexdigest()
    old_file = packet.file
    done = ReviewPacket.objects.filter(
        pk=packet_id, status=Status.BUILDING, build_token=token
    ).update(
        status=Status.READY,
        file=final,
        checksum=checksum,
        size=len(pdf),
        pages=cover_pages + sum(s.pages for s in sections),
        data_as_of=data_as_of,
        fingerprint=fingerprint,
        finished_at=timezone.now(),
        heartbeat_at=None,
        error="",
    )
    if not done:
        # Someone else took the build over meanwhile; their result stands.
        if not ReviewPacket.objects.filter(file=final).exists():
            storage.delete(final)
        return False
    if old_file and old_file != final and not ReviewPacket.objects.filter(file=old_file).exists():
        storage.delete(old_file)
    packet_notices.packet_result_notify(packet_id=packet_id)
    return True
