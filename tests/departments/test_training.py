"""The CSO training program: modules, sessions, attendance, completion,
each CSO's progress, and the reminders about required modules not done."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from csoprogram.models import Notification
from departments.models import DepartmentAssignment
from departments.training.models import (
    TrainingAttendance,
    TrainingCompletion,
    TrainingModule,
    TrainingReminder,
    TrainingSession,
)
from departments.training.reminders import training_reminder_deliver, training_reminders_scan
from departments.training.selectors import training_progress
from tests.departments.factories import DepartmentFactory, UserFactory, assign


@pytest.fixture
def listening(db):
    return TrainingModule.objects.create(title="Listening to customers", required=True, order=1)


@pytest.fixture
def optional_module(db):
    return TrainingModule.objects.create(title="Presenting at PhillyStat", required=False)


def test_ccso_defines_a_module_and_a_session_and_records_attendance(
    client, ccso, cso_fleet, cso_streets
):
    client.force_login(ccso)
    response = client.post(
        reverse("training:module_create"),
        {
            "title": "Running a focus group",
            "description": "Plan, invite, facilitate, record.",
            "materials_url": "intranet.example.org/cso/focus-groups",
            "required": "on",
            "order": "1",
        },
    )
    module = TrainingModule.objects.get()
    assert response.url == reverse("training:module_detail", kwargs={"pk": module.pk})
    assert module.materials_url == "https://intranet.example.org/cso/focus-groups"
    response = client.post(
        reverse("training:session_create", kwargs={"pk": module.pk}),
        {
            "starts_at": "2026-09-15T10:00",
            "online": "",
            "place": "City Hall, Room 202",
            "facilitator": "Rosetta Lue",
        },
    )
    session = TrainingSession.objects.get()
    assert response.url == reverse("training:session_detail", kwargs={"pk": session.pk})
    page = client.get(response.url)
    assert [t.user for t in page.context["trainees"]] == sorted(
        [cso_fleet, cso_streets], key=lambda u: (u.last_name, u.first_name)
    )
    client.post(
        reverse("training:attendance", kwargs={"pk": session.pk}),
        {"attended": [cso_fleet.pk, cso_streets.pk], "completed": [cso_fleet.pk]},
    )
    assert TrainingAttendance.objects.filter(session=session).count() == 2
    completion = TrainingCompletion.objects.get()
    assert (completion.user, completion.completed_on.isoformat()) == (cso_fleet, "2026-09-15")
    # Unticking takes the attendance and the completion back.
    client.post(reverse("training:attendance", kwargs={"pk": session.pk}), {"attended": []})
    assert not TrainingAttendance.objects.exists() and not TrainingCompletion.objects.exists()


def test_bad_session_input_is_named_next_to_the_field(client, ccso, listening):
    client.force_login(ccso)
    response = client.post(
        reverse("training:session_create", kwargs={"pk": listening.pk}),
        {"starts_at": "next tuesday", "place": "", "facilitator": "R. Lue"},
    )
    errors = response.context["form"].errors
    assert "starts_at" in errors and "place" in errors


def test_attendance_is_recorded_for_active_csos_only(client, ccso, head_fleet, listening):
    session = TrainingSession.objects.create(
        module=listening, starts_at=timezone.now(), place="Room 1", facilitator="R. Lue"
    )
    client.force_login(ccso)
    client.post(
        reverse("training:attendance", kwargs={"pk": session.pk}), {"attended": [head_fleet.pk]}
    )
    assert not TrainingAttendance.objects.exists()


def test_a_completion_date_in_the_future_is_refused_next_to_the_field(
    client, ccso, cso_fleet, listening
):
    client.force_login(ccso)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("training:completion_add", kwargs={"pk": listening.pk}),
        {"user": cso_fleet.pk, "completed_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert (
        "cannot be in the future" in response.context["completion_form"].errors["completed_on"][0]
    )


def test_cso_sees_their_own_progress_on_the_home_page(
    client, cso_fleet, listening, optional_module
):
    TrainingCompletion.objects.create(
        module=listening, user=cso_fleet, completed_on=timezone.localdate()
    )
    client.force_login(cso_fleet)
    page = client.get(reverse("home")).content.decode()
    assert "Your CSO training" in page
    assert "Training 1 of 1 required modules" in page
    assert "Optional, to do" in page


def test_training_progress_counts_required_modules_per_cso(
    cso_fleet, cso_streets, dept_fleet, dept_streets, listening, optional_module
):
    TrainingModule.objects.create(title="Writing the plan", required=True)
    TrainingCompletion.objects.create(
        module=listening, user=cso_fleet, completed_on=timezone.localdate()
    )
    TrainingCompletion.objects.create(
        module=optional_module, user=cso_fleet, completed_on=timezone.localdate()
    )
    progress = training_progress([dept_fleet.pk, dept_streets.pk])
    fleet, streets = progress[dept_fleet.pk][0], progress[dept_streets.pk][0]
    assert (fleet.user, fleet.completed_required, fleet.total_required) == (cso_fleet, 1, 2)
    assert (streets.completed_required, streets.total_required) == (0, 2)
    assert fleet.label == "Training 1 of 2 required modules"


def _program(n_departments, modules):
    depts = []
    for _ in range(n_departments):
        dept = DepartmentFactory()
        for _ in range(2):
            cso = assign(UserFactory(), dept, "cso")
            for m in modules[:1]:
                TrainingCompletion.objects.create(
                    module=m, user=cso, completed_on=timezone.localdate()
                )
        depts.append(dept.pk)
    return depts


def test_training_progress_runs_two_queries_for_ten_times_the_departments(
    listening, django_assert_num_queries
):
    small = _program(3, [listening])
    with django_assert_num_queries(2):
        assert len(training_progress(small)) == 3
    large = small + _program(27, [listening])
    with django_assert_num_queries(2):
        result = training_progress(large)
    assert len(result) == 30 and all(len(v) == 2 for v in result.values())


def test_training_pages_run_the_same_number_of_queries_for_ten_times_the_csos(
    client, ccso, listening, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = TrainingSession.objects.create(
        module=listening, starts_at=timezone.now(), place="Room 1", facilitator="R. Lue"
    )
    client.force_login(ccso)
    urls = [
        reverse("training:overview"),
        reverse("training:session_detail", kwargs={"pk": session.pk}),
    ]
    _program(3, [listening])
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    _program(27, [listening])
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)


def _appointed(user, days_ago):
    DepartmentAssignment.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


def test_a_cso_is_reminded_once_of_a_required_module_not_done_in_time(
    cso_fleet, cso_streets, listening, optional_module, settings, django_capture_on_commit_callbacks
):
    settings.TRAINING_REMINDER_DAYS = 90
    _appointed(cso_fleet, 100)
    _appointed(cso_streets, 30)  # not yet due
    with django_capture_on_commit_callbacks(execute=False):
        first = training_reminders_scan()
        assert training_reminders_scan() == []  # a second run, a second beat
    assert len(first) == 1
    reminder = TrainingReminder.objects.get()
    assert (reminder.user, reminder.module) == (cso_fleet, listening)

    assert training_reminder_deliver(reminder_id=reminder.pk) is True
    assert training_reminder_deliver(reminder_id=reminder.pk) is False  # a retry
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cso_fleet.email]
    assert "Listening to customers" in mail.outbox[0].subject
    assert Notification.objects.filter(user=cso_fleet).count() == 1
    reminder.refresh_from_db()
    assert reminder.sent_at and reminder.emailed


def test_no_reminder_for_a_completed_module_or_a_person_who_is_no_longer_cso(
    cso_fleet, cso_streets, listening, django_capture_on_commit_callbacks
):
    _appointed(cso_fleet, 200)
    _appointed(cso_streets, 200)
    TrainingCompletion.objects.create(
        module=listening, user=cso_fleet, completed_on=timezone.localdate()
    )
    with django_capture_on_commit_callbacks(execute=False):
        ids = training_reminders_scan()
    assert [TrainingReminder.objects.get(pk=i).user for i in ids] == [cso_streets]
    # They left the role before the reminder went out: nothing is sent.
    DepartmentAssignment.objects.filter(user=cso_streets).delete()
    assert training_reminder_deliver(reminder_id=ids[0]) is False
    assert mail.outbox == []
