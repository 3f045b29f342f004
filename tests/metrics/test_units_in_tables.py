"""Tables show metric values with their unit, rounded, through the one helper
(metrics.formatting): the packet's section, the meeting page, the metric page,
the briefing memo and the follow-up memo."""

from datetime import timedelta

from django.urls import reverse

from csoprogram.lib import fiscal
from metrics.phillystat import memos, packet_render
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, add_value


def test_tables_show_values_with_their_unit_rounded(client, dept_fleet, analyst_fleet):
    quarter = fiscal.last_completed_quarter()
    wait = MetricFactory(department=dept_fleet, name="Average wait time", decimals=1)
    add_value(wait, quarter.start, "18.93333")
    share = MetricFactory(
        department=dept_fleet,
        name="Calls answered",
        unit="percent",
        direction="higher",
        decimals=0,
        baseline_value=70,
        target_value=90,
    )
    add_value(share, quarter.start, "87.456")
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, period=quarter, date=fiscal.today() - timedelta(days=1)
    )
    context = packet_render.department_packet_context(dept_fleet, quarter=quarter, meeting=meeting)
    pages = {
        "packet": packet_render.render_to_string(
            "metrics/packets/section.html", {"s": context, "agenda": packet_render.AGENDA}
        )
    }
    client.force_login(analyst_fleet)
    memos.meeting_mark_held(user=analyst_fleet, meeting=meeting)
    for name, url in (
        ("meeting", reverse("metrics:meeting_detail", args=[meeting.pk])),
        ("metric", reverse("metrics:metric_detail", args=[wait.pk])),
        ("briefing", reverse("metrics:briefing_memo", args=[meeting.pk])),
        ("memo", reverse("metrics:meeting_memo", args=[meeting.pk])),
    ):
        pages[name] = client.get(url).content.decode()
    pages["memo pdf"] = memos.memo_pdf_html(meeting.follow_up_memo)
    for name, html in pages.items():
        assert "18.9 minutes" in html, name
        assert "18.9333" not in html, name
        if name != "metric":
            assert "87%" in html and "87.456" not in html and "87.4560" not in html, name
