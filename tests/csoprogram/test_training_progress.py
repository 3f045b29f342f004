"""'Training n of m required modules' on the program review, the department
page and the outcomes session (issue 16, item 5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import DepartmentRole
from tests.departments.factories import AssignmentFactory, DepartmentFactory
from tests.departments.training_factories import (
    TrainingCompletionFactory,
    TrainingModuleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def modules(db):
    return [TrainingModuleFactory(title=f"Required {i}") for i in range(3)] + [
        TrainingModuleFactory(title="Optional", required=False)
    ]


def _complete(user, modules):
    for m in modules:
        TrainingCompletionFactory(user=user, module=m)


def test_program_review_row_shows_each_csos_training(client, ccso, cso_fleet, dept_fleet, modules):
    _complete(cso_fleet, modules[:2] + modules[3:])  # the optional one does not count
    client.force_login(ccso)
    response = client.get(reverse("csoprogram:program_review"))
    row = next(r for r in response.context["rows"] if r.department == dept_fleet)
    assert [(t.user, t.completed_required, t.total_required) for t in row.training] == [
        (cso_fleet, 2, 3)
    ]
    html = response.content.decode()
    assert '<th scope="col">Training</th>' in html
    assert f"{cso_fleet}: 2 of 3 required modules" in html


def test_department_page_shows_training_n_of_m(client, head_fleet, cso_fleet, dept_fleet, modules):
    _complete(cso_fleet, modules[:1])
    client.force_login(head_fleet)
    html = client.get(reverse("departments:detail", args=["fleet"])).content.decode()
    assert f"{cso_fleet}: Training 1 of 3 required modules" in html


def test_outcomes_session_names_the_csos_who_completed_the_program(
    client, md_office, cso_fleet, cso_streets, modules
):
    _complete(cso_fleet, modules[:3])
    _complete(cso_streets, modules[:1])
    client.force_login(md_office)
    for name in ("csoprogram:outcomes_dashboard", "csoprogram:outcomes_presentation"):
        response = client.get(reverse(name))
        totals = response.context["dash"].totals
        assert (totals.trained, totals.csos) == ([str(cso_fleet)], 2)
        html = response.content.decode()
        assert "CSOs who completed the training program" in html
        assert str(cso_fleet) in html


def test_no_training_line_on_the_outcomes_session_without_required_modules(
    client, md_office, cso_fleet
):
    client.force_login(md_office)
    html = client.get(reverse("csoprogram:outcomes_dashboard")).content.decode()
    assert "completed the training program" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _departments_with_trained_csos(start, n, modules):
    for i in range(start, start + n):
        d = DepartmentFactory(name=f"Training {i:03d}", slug=f"training-{i:03d}")
        cso = AssignmentFactory(department=d, role=DepartmentRole.CSO).user
        _complete(cso, modules[: i % 4])


def test_training_progress_costs_the_same_queries_for_ten_times_the_departments(
    client, ccso, dept_fleet, modules
):
    client.force_login(ccso)
    urls = [
        reverse("csoprogram:program_review"),
        reverse("csoprogram:outcomes_dashboard"),
        reverse("csoprogram:outcomes_presentation"),
        reverse("departments:detail", args=["fleet"]),
    ]
    _departments_with_trained_csos(0, 3, modules)
    small = [_queries(client, u) for u in urls]
    _departments_with_trained_csos(3, 27, modules)
    assert [_queries(client, u) for u in urls] == small
