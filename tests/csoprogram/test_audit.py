"""The CCSO's audit page: every change to a program record, filtered,
paginated, exported, in the same number of queries however much happened."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csoprogram.audit.selectors import AuditFilter, audit_count
from csoprogram.lib import fiscal
from metrics import services
from tests.csoprogram.factories import full_department
from tests.metrics.factories import MetricFactory

pytestmark = pytest.mark.django_db


def _page(client, **params):
    return client.get(reverse("csoprogram:audit"), params)


def test_the_ccso_filters_changes_by_department_person_kind_and_dates(
    client, ccso, analyst_fleet, dept_fleet, dept_streets
):
    last_q = fiscal.last_completed_quarter()
    metric = MetricFactory(department=dept_fleet, name="Vehicle turnaround")
    MetricFactory(department=dept_streets, name="Pothole repair time")
    services.value_record(user=analyst_fleet, metric=metric, period_start=last_q.start, value=21)
    client.force_login(ccso)
    fleet = _page(client, department=dept_fleet.pk).context["page"]
    assert {e.department for e in fleet.entries} == {dept_fleet}
    by_analyst = _page(client, person=analyst_fleet.pk).context["page"]
    assert [(e.kind.key, e.title, e.change) for e in by_analyst.entries] == [
        ("value", "Vehicle turnaround", "Added")
    ]
    metrics_only = _page(client, kind="metric").context["page"]
    assert {e.title for e in metrics_only.entries} == {"Vehicle turnaround", "Pothole repair time"}
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert _page(client, date_from=tomorrow.isoformat()).context["page"].count == 0
    csv = b"".join(
        client.get(reverse("csoprogram:audit_csv"), {"person": analyst_fleet.pk}).streaming_content
    ).decode()
    assert csv.splitlines()[0].endswith("When,Who,Kind,Change,Record,Department,Reason")
    assert "Metric value,Added,Vehicle turnaround,Office of Fleet Management" in csv


def test_the_audit_is_paginated_newest_first(client, ccso, dept_fleet):
    for i in range(60):
        MetricFactory(department=dept_fleet, name=f"Metric {i:02d}")
    client.force_login(ccso)
    first = _page(client, kind="metric").context["page"]
    assert (first.count, first.pages, len(first.entries)) == (60, 2, 50)
    assert first.entries[0].title == "Metric 59"
    second = _page(client, kind="metric", page=2).context["page"]
    assert [e.title for e in second.entries][-1] == "Metric 00"


def test_the_audit_page_costs_the_same_queries_for_ten_times_the_program(client, ccso):
    full_department(name="Department 000", slug="dept-000")
    client.force_login(ccso)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert _page(client).status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for i in range(1, 10):
        full_department(name=f"Department {i:03d}", slug=f"dept-{i:03d}")
    assert audit_count(AuditFilter()) > 10 * 20
    assert queries() == small


def test_only_the_ccso_reads_the_audit(client, md_office, cso_fleet):
    for person in (md_office, cso_fleet):
        client.force_login(person)
        assert _page(client).status_code == 403
