from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.selectors import departments_with_stage
from metrics import fiscal, services
from metrics.selectors import annotate_reporting_current, area_of_focus_has_progress
from tests.factories import DepartmentFactory
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
    assert not _current(dept_fleet)  # no narrative yet
    services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="Second window opened.",
        impediments="",
        notes={},
    )
    assert _current(dept_fleet)


def test_a_red_value_needs_a_note_before_the_narrative_counts(
    dept_fleet, cso_fleet, wait_time, last_q
):
    add_value(wait_time, last_q.start, 40)  # red
    services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="x",
        impediments="",
        notes={},
    )
    assert not _current(dept_fleet)
    services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="x",
        impediments="",
        notes={wait_time.pk: "Two clerks on leave."},
    )
    assert _current(dept_fleet)


def test_values_of_an_older_quarter_do_not_count(dept_fleet, cso_fleet, wait_time, last_q):
    add_value(wait_time, last_q.previous().start, 19)
    services.narrative_save(
        user=cso_fleet,
        department=dept_fleet,
        quarter=last_q,
        what_changed="x",
        impediments="",
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


def test_area_has_progress_when_a_metric_moved_toward_its_target(wait_time, area_fleet, last_q):
    assert not area_of_focus_has_progress(area_fleet)
    add_value(wait_time, last_q.previous().start, 27)  # baseline 30, lower is better
    assert area_of_focus_has_progress(area_fleet)


def test_area_without_progress_when_values_moved_away(wait_time, area_fleet, last_q):
    add_value(wait_time, last_q.previous().start, 27)
    add_value(wait_time, last_q.start, 31)  # the latest is worse than the baseline
    assert not area_of_focus_has_progress(area_fleet)


def test_progress_is_scoped_to_the_area(wait_time, area_fleet, dept_streets, last_q):
    other = MetricFactory(department=dept_streets, baseline_value=30)
    add_value(other, last_q.start, 10)
    assert not area_of_focus_has_progress(area_fleet)
    assert fiscal.quarter_of(last_q.start) == last_q
