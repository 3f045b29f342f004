import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csoprogram.lib.rules import RuleError
from csoprogram.stage import departments_with_stage
from metrics import services
from metrics.phillystat import services as phillystat_services
from metrics.phillystat.selectors import (
    annotate_reporting_current,
    narrative_complete_q,
    narratives_complete,
    quarter_report,
)
from tests.departments.factories import DepartmentFactory
from tests.metrics.factories import MetricFactory, add_value


def _current(dept):
    return annotate_reporting_current(type(dept).objects.filter(pk=dept.pk)).get().reporting_current


def test_reporting_current_needs_values_and_a_narrative_for_the_last_quarter(
    dept_fleet, cso_fleet, wait_time, resolution, last_q
):
    assert not _current(dept_fleet)
    add_value(wait_time, last_q.start, 19)
    assert not _current(dept_fleet)  # the monthly metric has nothing yet
    add_value(resolution, last_q.months()[0].start, 85)
    add_value(resolution, last_q.months()[1].start, 84)
    assert not _current(dept_fleet)  # a monthly metric owes all three months
    add_value(resolution, last_q.months()[2].start, 86)
    assert not _current(dept_fleet)  # no narrative yet
    phillystat_services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="Second window opened.",
        notes={},
    )
    assert _current(dept_fleet)


def test_a_red_value_needs_a_note_the_narrative_is_refused_without_it(
    dept_fleet, cso_fleet, wait_time, last_q
):
    add_value(wait_time, last_q.start, 40)  # red
    with pytest.raises(RuleError) as refused:
        phillystat_services.narrative_save(
            user=cso_fleet,
            department=dept_fleet,
            quarter=last_q,
            what_changed="x",
            notes={},
        )
    assert refused.value.field == f"note_{wait_time.pk}"
    assert "was off target" in refused.value.rule
    assert not _current(dept_fleet)
    phillystat_services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="x",
        notes={wait_time.pk: "Two clerks on leave."},
    )
    assert _current(dept_fleet)


def test_the_narrative_rule_and_its_sql_twin_agree(dept_fleet, cso_fleet, wait_time, last_q):
    """narrative_complete (Python) and narrative_complete_q (SQL) and the
    batched narratives_complete say the same at each step."""

    def all_three():
        report = quarter_report(dept_fleet, last_q)
        sql = type(dept_fleet).objects.filter(narrative_complete_q(last_q), pk=dept_fleet.pk)
        batch = narratives_complete([dept_fleet.pk], [last_q])
        return (
            report.narrative_complete,
            sql.exists(),
            (dept_fleet.pk, last_q.fiscal_year, last_q.quarter) in batch,
        )

    assert all_three() == (False, False, False)
    phillystat_services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="Opened a window.",
        notes={},
    )
    assert all_three() == (True, True, True)
    add_value(wait_time, last_q.start, 40)  # a red value arrives after the narrative
    assert all_three() == (False, False, False)
    phillystat_services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="Opened a window.",
        notes={wait_time.pk: "Two clerks on leave."},
    )
    assert all_three() == (True, True, True)


def test_values_of_an_older_quarter_do_not_count(dept_fleet, cso_fleet, wait_time, last_q):
    add_value(wait_time, last_q.previous().start, 19)
    phillystat_services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="x",
        notes={},
    )
    assert not _current(dept_fleet)


def test_the_stage_annotation_is_one_query_however_many_departments(dept_fleet, wait_time):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            list(departments_with_stage())
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        d = DepartmentFactory(slug=f"extra-{i}")
        MetricFactory(department=d)
    assert count() == before == 1


def _progress(area, analyst, metric, *values):
    """Record values through the service, as the analyst does; the area of
    focus learns whether its metrics show progress."""
    for period_start, value in values:
        services.value_record(
            user=analyst, metric=metric, period_start=period_start, value=value, reason="x"
        )
    area.refresh_from_db()
    return area.has_progress


def test_area_has_progress_when_a_metric_moved_toward_its_target(
    analyst_fleet, wait_time, area_fleet, last_q
):
    assert not area_fleet.has_progress
    # baseline 30, lower is better
    assert _progress(area_fleet, analyst_fleet, wait_time, (last_q.previous().start, 27))
    assert area_fleet.progress_shown_at is not None


def test_area_without_progress_when_values_moved_away(analyst_fleet, wait_time, area_fleet, last_q):
    assert _progress(area_fleet, analyst_fleet, wait_time, (last_q.previous().start, 27))
    # the latest is worse than the baseline: progress no longer shown
    assert not _progress(area_fleet, analyst_fleet, wait_time, (last_q.start, 31))


def test_progress_is_scoped_to_the_area(
    analyst_streets, wait_time, area_fleet, dept_streets, last_q
):
    other = MetricFactory(department=dept_streets, baseline_value=30)
    services.value_record(user=analyst_streets, metric=other, period_start=last_q.start, value=10)
    area_fleet.refresh_from_db()
    assert not area_fleet.has_progress
