import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.rules import RuleError
from plans import change_management
from plans.models import Impediment, LeaderSupport, PlanStatus, Success
from tests.departments.factories import DepartmentFactory
from tests.plans.factories import ImpedimentFactory, PlanFactory, SuccessFactory

pytestmark = pytest.mark.django_db


def test_cso_logs_an_impediment_and_resolves_it_with_history(client, cso_fleet, head_fleet):
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:impediment_create", args=["fleet"]),
        {
            "kind": "pushback",
            "description": "Mechanics see the survey as extra paperwork.",
            "support_requested": "A word from the Commissioner at the all-hands.",
            "who_can_help": "Commissioner",
        },
    )
    assert response.status_code == 302
    impediment = Impediment.objects.get()
    assert (impediment.status, impediment.created_by) == ("open", cso_fleet)

    client.force_login(head_fleet)
    client.post(
        reverse("plans:impediment_resolve", args=[impediment.pk]),
        {"resolution": "The Commissioner spoke at the all-hands."},
    )
    impediment.refresh_from_db()
    assert (impediment.status, impediment.resolved_by) == ("resolved", head_fleet)
    history = list(impediment.history.order_by("history_date", "history_id"))
    assert [(h.status, h.history_user) for h in history] == [
        ("open", cso_fleet),
        ("resolved", head_fleet),
    ]
    with pytest.raises(RuleError, match="already resolved"):
        change_management.impediment_resolve(
            impediment=impediment, user=head_fleet, resolution="again"
        )


def test_resolving_needs_a_resolution(cso_fleet, dept_fleet):
    impediment = ImpedimentFactory(department=dept_fleet)
    with pytest.raises(RuleError, match="says how it was resolved"):
        change_management.impediment_resolve(impediment=impediment, user=cso_fleet, resolution="")


def test_leaders_record_support_and_people_record_successes(
    client, head_fleet, ccso, md_office, analyst_fleet, dept_fleet
):
    impediment = ImpedimentFactory(department=dept_fleet)
    client.force_login(ccso)
    client.post(
        reverse("plans:support_create", args=["fleet"]),
        {"description": "Found budget for a second clerk.", "impediment": impediment.pk},
    )
    support = LeaderSupport.objects.get()
    assert (support.given_by, support.impediment) == (ccso, impediment)
    client.force_login(head_fleet)
    client.post(
        reverse("plans:success_create", args=["fleet"]),
        {"title": "Same-day tire service", "happened_on": "2026-10-05"},
    )
    assert Success.objects.get().recorded_by == head_fleet
    # The analyst reads; the MDO reads and records support and encouragement,
    # on an impediment or a success (the only thing it writes).
    client.force_login(md_office)
    success = Success.objects.get()
    response = client.post(
        reverse("plans:support_create", args=["fleet"]),
        {"description": "The Managing Director cheered the team on.", "success": success.pk},
    )
    assert response.status_code == 302
    mdo_support = LeaderSupport.objects.get(given_by=md_office)
    assert (mdo_support.success, mdo_support.impediment) == (success, None)
    for user in (md_office, analyst_fleet):
        client.force_login(user)
        page = client.get(reverse("plans:change_record", args=["fleet"])).content.decode()
        assert "Found budget for a second clerk." in page
        assert "Same-day tire service" in page
        assert "The Managing Director cheered the team on." in page
        assert "Log impediment" not in page
        assert ("Record support" in page) == (user == md_office)
        assert (
            client.post(reverse("plans:success_create", args=["fleet"]), {"title": "x"}).status_code
            == 403
        )
    client.force_login(analyst_fleet)
    response = client.post(reverse("plans:support_create", args=["fleet"]), {"description": "x"})
    assert response.status_code == 403


def test_support_is_on_an_impediment_or_a_success_of_the_department_not_both(
    client, md_office, dept_fleet, dept_streets
):
    impediment = ImpedimentFactory(department=dept_fleet)
    success = SuccessFactory(department=dept_fleet)
    client.force_login(md_office)
    url = reverse("plans:support_create", args=["fleet"])
    response = client.post(
        url, {"description": "x", "impediment": impediment.pk, "success": success.pk}
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    other = SuccessFactory(department=dept_streets)
    response = client.post(url, {"description": "x", "success": other.pk})
    assert response.status_code == 400  # not a choice of this department's form
    assert not LeaderSupport.objects.exists()


def test_program_update_lists_stage_open_impediments_and_recent_successes(client, ccso, dept_fleet):
    PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    ImpedimentFactory(department=dept_fleet, description="Open one: phones ring out.")
    ImpedimentFactory(
        department=dept_fleet,
        description="Old one: forms lost.",
        status="resolved",
        resolution="Scanned.",
    )
    today = timezone.localdate()
    SuccessFactory(department=dept_fleet, title="Recent win", happened_on=today)
    SuccessFactory(
        department=dept_fleet, title="Ancient win", happened_on=today - datetime.timedelta(days=400)
    )
    client.force_login(ccso)
    page = client.get(reverse("csoprogram:program_update")).content.decode()
    assert "Plan submitted" in page
    assert "Open one: phones ring out." in page
    assert "Old one: forms lost." not in page
    assert "Recent win" in page
    assert "Ancient win" not in page


def _program_update_queries(client, count):
    existing = DepartmentFactory._meta.model.objects.count()
    for i in range(existing, count):
        dept = DepartmentFactory(name=f"Department {i:03}", slug=f"d{i:03}")
        PlanFactory(department=dept, status=PlanStatus.APPROVED if i % 2 else PlanStatus.SUBMITTED)
        ImpedimentFactory(department=dept)
        SuccessFactory(department=dept, title=f"Win {i}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("csoprogram:program_update"))
    assert response.status_code == 200
    # A page of departments (csoprogram.program_meetings.views.DEPARTMENTS_PER_PAGE).
    assert response.content.decode().count("Win ") >= min(count, 25) - 2
    return len(ctx.captured_queries)


def test_program_update_query_count_does_not_grow_with_departments(client, ccso, dept_fleet):
    client.force_login(ccso)
    at_5 = _program_update_queries(client, 5)
    at_50 = _program_update_queries(client, 50)
    print(f"program update queries: {at_5} at 5 departments, {at_50} at 50")
    assert at_5 == at_50
    assert at_50 <= 13  # twelve, and the count of departments for the page links


def test_plan_list_query_count_does_not_grow_with_departments(client, ccso, dept_fleet):
    client.force_login(ccso)

    def queries(count):
        existing = DepartmentFactory._meta.model.objects.count()
        for i in range(existing, count):
            PlanFactory(department=DepartmentFactory(name=f"Dept {i:03}", slug=f"p{i:03}"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("plans:plan_list"))
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)
