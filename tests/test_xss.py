"""Script-injection strings saved in user-writable text are shown escaped on
every page that renders them."""

import pytest
from django.urls import reverse

from tests.departments.factories import UserFactory, assign
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    QuarterlyNarrativeFactory,
    add_value,
)
from tests.plans.factories import AreaOfFocusFactory, ImpedimentFactory, PlanFactory

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(2)>",
    "javascript:alert(3)//<a href='javascript:alert(4)'>x</a>",
]
RAW_MARKERS = ["<script>alert(", "<img src=x onerror", "<svg/onload", "<a href='javascript:"]


def _payload(i: int) -> str:
    return f"Field {i}: " + PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture
def poisoned(dept_fleet, cso_fleet):
    """Every user-writable text field of department A holds an injection string."""
    n = iter(range(1000))
    theme = ThemeFactory(name=_payload(next(n))[:80], status="proposed", proposed_for=dept_fleet)
    session = SessionFactory(
        department=dept_fleet, location=_payload(next(n)), notes=_payload(next(n))
    )
    FeedbackFactory(
        session=session,
        text=_payload(next(n)),
        possible_solution=_payload(next(n)),
        themes=[theme],
        shared_with_csos=True,
    )
    plan = PlanFactory(
        department=dept_fleet,
        status="submitted",
        mission=_payload(next(n)),
        vision=_payload(next(n)),
        strengths=_payload(next(n)),
        opportunities=_payload(next(n)),
        sustainability=_payload(next(n)),
        with_area=False,
    )
    area = AreaOfFocusFactory(
        plan=plan, title=_payload(next(n))[:200], description=_payload(next(n))
    )
    ImpedimentFactory(
        department=dept_fleet, description=_payload(next(n)), support_requested=_payload(next(n))
    )
    metric = MetricFactory(
        department=dept_fleet,
        area_of_focus=area,
        name=_payload(next(n))[:200],
        definition=_payload(next(n)),
        data_source=_payload(next(n))[:200],
    )
    meeting = PhillyStatMeetingFactory(department=dept_fleet, attendees=_payload(next(n)))
    add_value(metric, meeting.fiscal_quarter.start, 25, note=_payload(next(n)))
    QuarterlyNarrativeFactory(
        department=dept_fleet,
        period=meeting.fiscal_quarter,
        what_changed=_payload(next(n)),
    )
    # The narrative lists the department's impediment records.
    ImpedimentFactory(department=dept_fleet, description=_payload(next(n)))
    owner = assign(
        UserFactory(first_name=_payload(next(n))[:150], last_name="Owner"),
        dept_fleet,
        "cso",
    )
    CommitmentFactory(meeting=meeting, what=_payload(next(n)), owner=owner)
    return {"session": session, "plan": plan, "metric": metric, "meeting": meeting}


def _assert_escaped(html: str, url: str):
    for marker in RAW_MARKERS:
        assert marker not in html, f"{url} renders {marker!r} unescaped"


def test_injection_strings_are_escaped_on_every_page_that_shows_them(
    client, poisoned, ccso, cso_fleet
):
    pages = [
        "/",
        reverse("departments:detail", kwargs={"slug": "fleet"}),
        reverse("focusgroups:session_list"),
        reverse("focusgroups:session_detail", kwargs={"pk": poisoned["session"].pk}),
        reverse("focusgroups:theme_board"),
        reverse("focusgroups:theme_board") + "?q=script",
        *[
            reverse("focusgroups:theme_board_theme", kwargs={"pk": t.pk})
            for t in poisoned["session"].feedback_items.first().themes.all()
        ],
        reverse("exports:department_exports", kwargs={"slug": "fleet"}),
        reverse("focusgroups:theme_list"),
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", kwargs={"pk": poisoned["plan"].pk}),
        reverse("plans:plan_history", kwargs={"pk": poisoned["plan"].pk}),
        reverse("csoprogram:program_update"),
        reverse("csoprogram:program_review"),
        reverse("csoprogram:outcomes_dashboard"),
        reverse("csoprogram:outcomes_presentation"),
        reverse("csoprogram:freshness", kwargs={"slug": "fleet"}),
        reverse("plans:change_record", kwargs={"slug": "fleet"}),
        reverse("metrics:metric_list"),
        reverse("metrics:metric_detail", kwargs={"pk": poisoned["metric"].pk}),
        reverse("metrics:meeting_list"),
        reverse("metrics:meeting_detail", kwargs={"pk": poisoned["meeting"].pk}),
        reverse("metrics:meeting_memo", kwargs={"pk": poisoned["meeting"].pk}),
    ]
    client.force_login(ccso)
    seen_escaped = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _assert_escaped(html, url)
        seen_escaped += html.count("&lt;script&gt;") + html.count("&lt;img src=x")
    # The strings are shown (escaped), not silently dropped.
    assert seen_escaped >= 10


def test_injection_strings_in_the_svg_chart_are_escaped(client, poisoned, ccso):
    client.force_login(ccso)
    response = client.get(reverse("metrics:metric_chart", kwargs={"pk": poisoned["metric"].pk}))
    assert response.status_code == 200
    _assert_escaped(response.content.decode(), "chart")
