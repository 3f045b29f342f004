"""What a review packet says, as HTML and PDF (WeasyPrint): one department's
section in the outcomes-session agenda order (mission and vision → focus-group
strengths and opportunities with quotes → area of focus → metrics with status
and trend charts → narrative → open commitments and impediments), and the cover
with its table of contents.

A section's fingerprint is the SHA-256 of its HTML: everything printed, and
nothing else. Two builds of a department whose data did not change have the
same fingerprint, so the PDF made the first time is used again
(section_storage_name), and a packet whose sections' fingerprints changed is
stale.
"""

import base64
import hashlib
import mimetypes
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string

from csoprogram.lib import fiscal
from departments.models import Department
from focusgroups.selectors import department_strengths_and_opportunities
from plans.permissions import plan_shown_program_wide
from plans.selectors import areas_with_evidence, impediments_listed, plans_shown_program_wide

from ..charts import metric_trend_svg
from ..models import Metric, MetricValue, MetricVersion
from .models import PacketSection, ReviewPacket
from .selectors import open_commitments, quarter_report

# Bump when the section template or the charts change, so cached sections are
# rendered again.
RENDER_VERSION = "3"
SECTION_DIR = "packets/sections"

# The agenda of a department's part, in order: anchor id and heading.
AGENDA = [
    ("mission-and-vision", "Mission and vision"),
    ("customer-voice", "What customers told us"),
    ("area-of-focus", "Area of focus"),
    ("metrics", "Customer service metrics"),
    ("narrative", "Quarterly narrative"),
    ("commitments", "Open commitments"),
    ("impediments", "Impediments"),
]


class PacketFetchRefused(ValueError):
    pass


def _packet_url_fetcher():
    """A WeasyPrint fetcher that loads only the app's own static files (and
    inline data: charts), so text typed by users cannot make the renderer read
    local files or call the network."""
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
            # Each period's target and "definition changed" (charts, section.html).
            Prefetch("versions", queryset=MetricVersion.objects.order_by("number")),
        )
        .order_by("pk")
    )
    for m in metrics:
        if m.area_of_focus_id and not plan_shown_program_wide(m.area_of_focus.plan):
            m.area_of_focus = None
    metric_rows = []
    for m in metrics:
        values = list(m.values.all())
        metric_rows.append(
            {
                "metric": m,
                "latest": values[-1] if values else None,
                "chart": _svg_data_uri(
                    metric_trend_svg(m, values, width=700, height=300, for_print=True)
                )
                if values
                else None,
            }
        )
    return {
        "department": department,
        "meeting": meeting,
        "quarter": quarter,
        "plan": plan,
        "feedback": department_strengths_and_opportunities(department=department),
        "areas": areas_with_evidence(plan) if plan else [],
        "metric_rows": metric_rows,
        "report": quarter_report(department, quarter),
        "commitments": list(open_commitments(department).order_by("due", "pk")),
        "impediments": impediments_listed(department),
    }


def section_quarter(packet: ReviewPacket) -> fiscal.Quarter:
    if packet.kind == ReviewPacket.Kind.DEPARTMENT:
        return packet.meeting.fiscal_quarter
    return fiscal.last_completed_quarter()


def section_html(section: PacketSection) -> str:
    """The department's part of the packet as a standalone HTML document."""
    packet = section.packet
    meeting = packet.meeting if packet.kind == ReviewPacket.Kind.DEPARTMENT else None
    context = department_packet_context(
        section.department, quarter=section_quarter(packet), meeting=meeting
    )
    return render_to_string("metrics/packets/section.html", {"s": context, "agenda": AGENDA})


def html_fingerprint(html: str) -> str:
    return hashlib.sha256(f"{RENDER_VERSION}\n{html}".encode()).hexdigest()


def section_storage_name(fingerprint: str) -> str:
    return f"{SECTION_DIR}/{fingerprint[:2]}/{fingerprint}.pdf"


def render_pdf(html: str) -> tuple[bytes, int, dict[str, int]]:
    """The PDF, its page count and the (0-based) page of each anchor."""
    from weasyprint import HTML

    document = HTML(
        string=html, url_fetcher=_packet_url_fetcher(), base_url="https://packet.invalid/"
    ).render()
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    return document.write_pdf(), len(document.pages), anchors


def section_contents(anchors: dict[str, int]) -> list:
    """[heading, page within the section] of the agenda items, in agenda order."""
    return [[heading, anchors[anchor]] for anchor, heading in AGENDA if anchor in anchors]


def cover_html(packet: ReviewPacket, *, entries: list[dict], data_as_of) -> str:
    """The cover and the table of contents. entries: department, first page and
    [heading, page] contents, in agenda order."""
    quarter = section_quarter(packet)
    return render_to_string(
        "metrics/packets/cover.html",
        {"packet": packet, "quarter": quarter, "entries": entries, "data_as_of": data_as_of},
    )
