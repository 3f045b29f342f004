"""The PhillyStat reminder scan: due from their day until the next reminder
replaces them (a late scan catches up, never sends a replaced one), created
once, and read for every due meeting in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csoprogram.lib import fiscal
from csoprogram.models import OutboxMessage
from departments.models import DepartmentRole
from metrics.phillystat.models import ReminderDelivery
from metrics.phillystat.reminders import due_offset, reminders_scan
from tests.departments.factories import DepartmentFactory, UserFactory, assign
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory


@pytest.mark.parametrize(
    ("days_ahead", "slot"),
    [(20, None), (14, 14), (13, 14), (8, 14), (7, 7), (6, 7), (2, 7), (1, 1), (0, 1), (-1, None)],
)
def test_the_reminder_due_is_the_nearest_not_yet_passed(days_ahead, slot):
    assert due_offset(days_ahead, (14, 7, 1)) == slot


def _department_due(slug: str, days: int, today):
    dept = DepartmentFactory(slug=slug, name=f"Department {slug}")
    assign(UserFactory(), dept, DepartmentRole.CSO)
    assign(UserFactory(), dept, DepartmentRole.ANALYST)
    assign(UserFactory(), dept, DepartmentRole.HEAD)
    MetricFactory(department=dept)
    return PhillyStatMeetingFactory(department=dept, date=today + timedelta(days=days))


def _sent(meeting) -> set[tuple[str, int]]:
    return set(ReminderDelivery.objects.filter(meeting=meeting).values_list("kind", "offset_days"))


def test_a_scan_after_a_day_without_beat_sends_what_fell_due_and_nothing_replaced(db):
    today = fiscal.today()
    # The last scan ran two days ago; beat was down yesterday.
    before = today - timedelta(days=2)
    fortnight = _department_due("a", 13, today)  # its 14-day reminder fell due yesterday
    week = _department_due("b", 6, today)  # its 7-day reminder fell due yesterday
    reminders_scan(today=before)
    assert _sent(fortnight) == set() and _sent(week) == {("cso", 14), ("analyst", 14)}
    tomorrow = _department_due("c", 1, today)  # scheduled yesterday: no 7-day one was sent
    created = reminders_scan(today=today)
    assert _sent(fortnight) == {("cso", 14), ("analyst", 14)}
    assert _sent(week) == {("cso", 14), ("analyst", 14), ("cso", 7), ("analyst", 7)}
    assert _sent(tomorrow) == {("cso", 1), ("analyst", 1), ("head", 1)}
    assert len(created) == 2 + 2 + 3
    assert OutboxMessage.objects.filter(task_name="metrics.reminder_deliver").count() == 2 + 7
    # Once: the next run (or a second beat) creates nothing.
    assert reminders_scan(today=today) == []
    subject = ReminderDelivery.objects.get(meeting=week, kind="cso", offset_days=7).subject
    assert subject.startswith("PhillyStat meeting in 6 days")


def _scan_queries(n_departments: int, offset: int) -> tuple[int, int]:
    today = fiscal.today()
    for i in range(n_departments):
        _department_due(f"q{offset + i}", (0, 1, 7, 14)[i % 4], today)
    ReminderDelivery.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        created = reminders_scan(today=today)
    return len(ctx.captured_queries), len(created)


def test_the_scan_runs_the_same_queries_for_a_small_and_a_ten_times_larger_program(db, ccso):
    small, small_created = _scan_queries(2, 0)
    large, large_created = _scan_queries(20, 100)
    assert large_created > small_created * 5
    assert large == small, (small, large)
