"""Review packets as PDF (WeasyPrint), in the outcomes-session agenda order:
mission and vision → focus-group strengths and opportunities with quotes →
area of focus → metrics with status and trend charts → narrative → open
commitments and impediments.

A build writes the PDF under a temporary name and moves it into place, then
records name, checksum and size in one compare-and-swap update; a build killed
half-way leaves nothing under a final name, and the next build cleans up.
"""

import base64
import hashlib
import logging
import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_enqueue
from departments.models import Department
from focusgroups.selectors import department_strengths_and_opportunities
from plans.models import Impediment
from plans.permissions import plan_shown_program_wide
from plans.selectors import areas_with_evidence, plans_shown_program_wide

from ..charts import metric_trend_svg
from ..models import Metric, MetricValue, MetricVersion
from .models import PhillyStatMeeting, ReviewPacket
from .selectors import open_commitments, quarter_report

logger = logging.getLogger(__name__)

PACKET_DIR = "packets"
TEMP_DIR = "packets/tmp"
# Three days before the meeting the packet is built without anyone asking.
AUTO_BUILD_DAYS_AHEAD = 3
# A "building" packet older than the task's hard time limit was abandoned by a dead worker.
BUILD_LEASE = timedelta(seconds=getattr(settings, "PACKET_BUILD_LEASE_SECONDS", 6 * 60))
MAX_BUILD_ATTEMPTS = 3


class PacketFetchRefused(ValueError):
    pass


def _packet_url_fetcher():
    """A WeasyPrint fetcher that loads only the app's own static files (and
    inline data: charts), so text typed by users cannot make the renderer read
    local files or call the network."""
    import mimetypes
    from urllib.parse import urlparse

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PacketURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            own_site = parsed.scheme in ("", "http", "https") and parsed.netloc in (
                "",
                "packet.invalid",
            )
            if own_site and parsed.path.startswith(static_prefix):
                found = finders.find(parsed.path[len(static_prefix) :])
                if found:
                    with open(found, "rb") as fh:
                        body = fh.read()
                    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
            raise PacketFetchRefused(f"Refused to fetch {url!r} while building a packet.")

    return PacketURLFetcher(timeout=1, allow_redirects=False)


def _svg_data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def department_packet_context(
    department: Department, *, quarter: fiscal.Quarter, meeting=None
) -> dict:
    # Packets are read by the MDO too: only what is shown program-wide.
    plan = (
        plans_shown_program_wide().filter(department=department).order_by("-program_year").first()
    )
    metrics = list(
        Metric.objects.filter(department=department, active=True)
        .select_related("area_of_focus__plan")
        .prefetch_related(
            Prefetch("values", queryset=MetricValue.objects.order_by("period_start")),
            # Each period's target and "definition changed" (charts, packet.html).
            Prefetch("versions", queryset=MetricVersion.objects.order_by("number")),
        )
    )
    for m in metrics:
        if m.area_of_focus_id and not plan_shown_program_wide(m.area_of_focus.plan):
            m.area_of_focus = None
    metric_rows = []
    for m in metrics:
        values = list(m.values.all())
        latest = values[-1] if values else None
        metric_rows.append(
            {
                "metric": m,
                "latest": latest,
                "chart": _svg_data_uri(
                    metric_trend_svg(m, values, width=700, height=300, for_print=True)
                )
                if values
                else None,
            }
        )
    report = quarter_report(department, quarter)
    return {
        "department": department,
        "meeting": meeting,
        "quarter": quarter,
        "plan": plan,
        "feedback": department_strengths_and_opportunities(department=department),
        "areas": areas_with_evidence(plan) if plan else [],
        "metric_rows": metric_rows,
        "report": report,
        "commitments": list(open_commitments(department)),
        "impediments": list(Impediment.objects.filter(department=department, status="open")),
    }


def _render_pdf(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(
        string=html, url_fetcher=_packet_url_fetcher(), base_url="https://packet.invalid/"
    ).render()
    return document.write_pdf(), len(document.pages)


def packet_render(packet: ReviewPacket) -> tuple[bytes, int]:
    now = timezone.now()
    if packet.kind == ReviewPacket.Kind.DEPARTMENT:
        meeting = packet.meeting
        sections = [
            department_packet_context(
                meeting.department, quarter=meeting.fiscal_quarter, meeting=meeting
            )
        ]
        quarter = meeting.fiscal_quarter
    else:
        quarter = fiscal.last_completed_quarter()
        sections = [
            department_packet_context(d, quarter=quarter)
            for d in Department.objects.filter(active=True).order_by("name")
        ]
    html = render_to_string(
        "metrics/packets/packet.html",
        {"packet": packet, "sections": sections, "quarter": quarter, "data_as_of": now},
    )
    return _render_pdf(html)


def _move(storage, src: str, dst: str) -> None:
    if hasattr(storage, "path"):
        try:
            os.makedirs(os.path.dirname(storage.path(dst)), exist_ok=True)
            os.replace(storage.path(src), storage.path(dst))
            return
        except NotImplementedError:
            pass
    with storage.open(src, "rb") as fh:
        storage.save(dst, fh)
    storage.delete(src)


def _clean_temp(storage, packet_id: int) -> None:
    """Remove temporary files left by builds of this packet whose worker died
    (older than the lease, so a build still running keeps its file)."""
    try:
        _dirs, files = storage.listdir(TEMP_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - BUILD_LEASE
    for name in files:
        path = f"{TEMP_DIR}/{name}"
        if name.startswith(f"{packet_id}-"):
            try:
                if storage.get_modified_time(path) < cutoff:
                    storage.delete(path)
            except (FileNotFoundError, NotImplementedError):
                continue


def packet_request(*, packet: ReviewPacket, user=None) -> bool:
    """Queue a (re)build. False when a build is already queued or running."""
    now = timezone.now()
    updated = (
        ReviewPacket.objects.filter(pk=packet.pk)
        .exclude(status__in=[ReviewPacket.Status.QUEUED, ReviewPacket.Status.BUILDING])
        .update(status=ReviewPacket.Status.QUEUED, queued_at=now, error="", requested_by=user)
    )
    if updated:
        outbox_enqueue(task_name="metrics.packet_build", args=[packet.pk])
    return bool(updated)


def meeting_packet_request(*, meeting: PhillyStatMeeting, user=None) -> ReviewPacket:
    with transaction.atomic():
        packet, created = ReviewPacket.objects.get_or_create(
            meeting=meeting,
            defaults={
                "kind": ReviewPacket.Kind.DEPARTMENT,
                "department": meeting.department,
                "title": f"{meeting.department.name} — PhillyStat meeting, {meeting.quarter_label}",
                "requested_by": user,
                "queued_at": timezone.now(),
            },
        )
        if created:
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


def packet_build(*, packet_id: int) -> bool:
    """Build the packet's PDF. Safe to run twice: a second run while one is
    building does nothing; a run after a dead worker takes over."""
    now = timezone.now()
    claimed = (
        ReviewPacket.objects.filter(pk=packet_id)
        .filter(status__in=[ReviewPacket.Status.QUEUED, ReviewPacket.Status.FAILED])
        .update(status=ReviewPacket.Status.BUILDING, started_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        # A build whose worker died (the task was redelivered): take it over,
        # unless it has killed its worker MAX_BUILD_ATTEMPTS times already.
        stale = ReviewPacket.objects.filter(
            pk=packet_id, status=ReviewPacket.Status.BUILDING, started_at__lt=now - BUILD_LEASE
        )
        stale.filter(attempts__gte=MAX_BUILD_ATTEMPTS).update(
            status=ReviewPacket.Status.FAILED,
            finished_at=now,
            error=f"The build stopped {MAX_BUILD_ATTEMPTS} times without finishing; "
            "retry it, and tell the administrator if it fails again.",
        )
        claimed = stale.filter(attempts__lt=MAX_BUILD_ATTEMPTS).update(
            started_at=now, attempts=F("attempts") + 1
        )
    if not claimed:
        return False
    packet = ReviewPacket.objects.select_related("meeting__department", "department").get(
        pk=packet_id
    )
    storage = default_storage
    _clean_temp(storage, packet.pk)
    try:
        pdf, pages = packet_render(packet)
    except Exception as exc:
        logger.exception("Packet %s failed", packet_id)
        ReviewPacket.objects.filter(pk=packet_id, started_at=now).update(
            status=ReviewPacket.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:1000],
            finished_at=timezone.now(),
        )
        raise
    checksum = hashlib.sha256(pdf).hexdigest()
    slug = packet.department.slug if packet.department else "outcomes"
    final = f"{PACKET_DIR}/{slug}/packet-{packet.pk}-{checksum[:16]}.pdf"
    temp = storage.save(f"{TEMP_DIR}/{packet.pk}-{uuid.uuid4().hex}.part", ContentFile(pdf))
    if storage.exists(final):
        storage.delete(temp)
    else:
        _move(storage, temp, final)
    old_file = packet.file
    done = ReviewPacket.objects.filter(pk=packet_id, started_at=now).update(
        status=ReviewPacket.Status.READY,
        file=final,
        checksum=checksum,
        size=len(pdf),
        pages=pages,
        data_as_of=now,
        finished_at=timezone.now(),
        error="",
    )
    if not done:
        # Someone else took the build over meanwhile; their result stands.
        if not ReviewPacket.objects.filter(file=final).exists():
            storage.delete(final)
        return False
    if old_file and old_file != final and not ReviewPacket.objects.filter(file=old_file).exists():
        storage.delete(old_file)
    return True


def packets_schedule_due(*, today=None) -> list[int]:
    """Queue packets for meetings three days ahead that have none yet."""
    today = today or fiscal.today()
    due = PhillyStatMeeting.objects.filter(
        date=today + timedelta(days=AUTO_BUILD_DAYS_AHEAD),
        packet__isnull=True,
        department__active=True,
    ).select_related("department")
    return [meeting_packet_request(meeting=m).pk for m in due]
