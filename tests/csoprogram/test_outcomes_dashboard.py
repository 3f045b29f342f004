import datetime

import pytest
from django.urls import reverse

from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.departments.factories import DepartmentFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _cards(client, user, url_name="csoprogram:outcomes_dashboard", **params):
    client.force_login(user)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response, [c.department.slug for c in response.context["dash"].cards]


@pytest.mark.parametrize(
    "url_name", ["csoprogram:outcomes_dashboard", "csoprogram:outcomes_presentation"]
)
def test_cso_sees_only_their_own_departments_card(
    client, cso_fleet, dept_fleet, dept_streets, url_name
):
    full_department(dept_fleet)
    full_department(dept_streets)
    response, slugs = _cards(client, cso_fleet, url_name)
    assert slugs == ["fleet"]
    html = response.content.decode()
    assert "Streets Department" not in html
    assert "(streets)" not in html  # no quote from the other department
    assert response.context["dash"].totals.departments == 1


def test_head_and_analyst_see_only_their_department(
    client, head_fleet, analyst_streets, dept_fleet, dept_streets
):
    assert _cards(client, head_fleet)[1] == ["fleet"]
    assert _cards(client, analyst_streets)[1] == ["streets"]


@pytest.mark.parametrize("persona", ["md_office", "ccso"])
def test_mdo_and_ccso_see_every_department(client, request, persona, dept_fleet, dept_streets):
    full_department(dept_fleet)
    response, slugs = _cards(client, request.getfixturevalue(persona))
    assert slugs == ["fleet", "streets"]
    totals = response.context["dash"].totals
    assert totals.approved_plans == 1 and totals.sessions_held == 2
    assert (totals.internal_heard, totals.external_heard) == (6, 6)
    assert totals.metrics_on_target == 2 and totals.metrics_with_value == 2


def test_card_follows_the_agenda_mission_vision_feedback_area_metrics(
    client, md_office, dept_fleet
):
    full_department(dept_fleet)
    html = _cards(client, md_office)[0].content.decode()
    positions = [
        html.index(s)
        for s in (
            "Mission statement.",
            "Vision statement.",
            "Strengths and opportunities",
            "The wait was too long. (fleet)",
            "Vehicles back on time",
            "Average wait time",
        )
    ]
    assert positions == sorted(positions)
    assert reverse("metrics:metric_sparkline", args=[dept_fleet.metrics.first().pk]) in html
    assert "Answers: Timeliness" in html


def test_mdo_does_not_see_a_draft_plan_never_submitted(client, md_office, dept_fleet):
    PlanFactory(department=dept_fleet, status="draft", mission="Draft mission nobody submitted")
    response, _ = _cards(client, md_office)
    html = response.content.decode()
    assert "Draft mission nobody submitted" not in html
    assert "Customer service plan not yet submitted" in html


def test_cards_follow_the_outcomes_session_order(client, md_office):
    a = DepartmentFactory(name="Alpha", slug="alpha")
    DepartmentFactory(name="Bravo", slug="bravo")
    c = DepartmentFactory(name="Charlie", slug="charlie")
    ProgramMeetingFactory(date=datetime.date.today() + datetime.timedelta(days=3), agenda=[c, a])
    # Presenting departments first in agenda order, the others after them.
    assert _cards(client, md_office)[1] == ["charlie", "alpha", "bravo"]
    assert _cards(client, md_office, "csoprogram:outcomes_presentation")[1] == [
        "charlie",
        "alpha",
        "bravo",
    ]


def test_filter_by_stage_and_metric_status(client, ccso, dept_fleet, dept_streets):
    full_department(dept_fleet, red=True)
    PlanFactory(department=dept_streets, status="submitted")
    assert _cards(client, ccso, stage="plan_submitted")[1] == ["streets"]
    assert _cards(client, ccso, status="red")[1] == ["fleet"]


def test_presentation_has_a_summary_slide_first_and_one_slide_per_department(
    client, md_office, dept_fleet, dept_streets
):
    response, _ = _cards(client, md_office, "csoprogram:outcomes_presentation")
    html = response.content.decode()
    assert html.count("data-slide ") + html.count("data-slide>") == 3
    assert html.index("Program summary") < html.index('id="slide-2"')
    assert "js/presentation.js" in html and "<script>" not in html


def test_a_cached_card_shows_what_changed_since_it_was_cached(client, md_office, dept_fleet):
    from csoprogram.lib import fiscal
    from tests.metrics.factories import add_value

    full_department(dept_fleet)
    metric = dept_fleet.metrics.order_by("pk").first()
    for url_name in ("csoprogram:outcomes_dashboard", "csoprogram:outcomes_presentation"):
        assert "Latest 18 minutes" in _cards(client, md_office, url_name)[0].content.decode()
    add_value(metric, fiscal.last_completed_quarter().next().start, 35)
    dept_fleet.name = "Office of Fleet Management and Motor Pool"
    dept_fleet.save()
    for url_name in ("csoprogram:outcomes_dashboard", "csoprogram:outcomes_presentation"):
        html = _cards(client, md_office, url_name)[0].content.decode()
        assert "Latest 35 minutes" in html
        assert "Office of Fleet Management and Motor Pool" in html
