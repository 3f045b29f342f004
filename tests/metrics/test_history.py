"""Every program record keeps its history (who, when, what), and each
record's page shows it as a timeline to those who may read the record."""

from decimal import Decimal

import pytest
from django.urls import reverse

from csoprogram.models import DepartmentPublication, ProgramActionItem, ProgramMeeting
from focusgroups.models import FeedbackItem, FocusGroupSession, Theme
from metrics import services
from metrics.models import (
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ValueCorrection,
)
from metrics.phillystat import commitments
from plans.models import LeaderSupport, Success
from tests.csoprogram.factories import DepartmentPublicationFactory, ProgramMeetingFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory
from tests.metrics.factories import (
    CommitmentFactory,
    MetricNoteFactory,
    NarrativeCorrectionFactory,
    PhillyStatMeetingFactory,
    ValueCorrectionFactory,
    add_value,
)
from tests.plans.factories import SuccessFactory

pytestmark = pytest.mark.django_db


def test_every_program_record_keeps_its_history(dept_fleet, wait_time, last_q, ccso):
    ThemeFactory(name="Courtesy")
    session = SessionFactory(department=dept_fleet)
    FeedbackFactory(session=session, department=dept_fleet)
    value = add_value(wait_time, last_q.start, 24)
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    CommitmentFactory(meeting=meeting)
    MetricNoteFactory(narrative__department=dept_fleet, metric=wait_time)
    ValueCorrectionFactory(metric_value=value)
    NarrativeCorrectionFactory(
        narrative__department=dept_fleet, narrative__period=last_q.previous()
    )
    DepartmentPublicationFactory(department=dept_fleet)
    ProgramMeetingFactory(agenda=[dept_fleet])
    ProgramActionItem.objects.create(
        meeting=ProgramMeeting.objects.first(), what="x", owner="y", due=last_q.end
    )
    SuccessFactory(department=dept_fleet)
    LeaderSupport.objects.create(department=dept_fleet, description="Thanks", given_by=ccso)
    for model in (
        Theme,
        FocusGroupSession,
        FeedbackItem,
        Metric,
        MetricValue,
        PhillyStatMeeting,
        Commitment,
        QuarterlyNarrative,
        MetricNote,
        ValueCorrection,
        NarrativeCorrection,
        DepartmentPublication,
        ProgramMeeting,
        ProgramActionItem,
        Success,
        LeaderSupport,
    ):
        assert model.history.filter(history_type="+").exists(), model.__name__


def test_the_metric_page_shows_who_changed_a_value_and_the_definition(
    client, analyst_fleet, md_office, wait_time, last_q
):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=24)
    services.value_record(
        user=analyst_fleet,
        metric=wait_time,
        period_start=last_q.start,
        value=Decimal("22.5"),
        reason="Recount",
    )
    services.metric_update(
        user=analyst_fleet,
        metric=wait_time,
        data={"baseline_value": Decimal(32)},
        change_note="Baseline re-measured",
    )
    client.force_login(md_office)  # reads the metric, so its history
    page = client.get(wait_time.get_absolute_url())
    entries = page.context["timeline"]
    value_changed = next(e for e in entries if e.what == f"Value for {last_q.label} changed")
    assert value_changed.who == analyst_fleet
    assert ("Value", "24 minutes", "22.5 minutes") in value_changed.details
    definition = next(e for e in entries if e.what == "Customer service metric changed")
    assert ("Baseline", "30 minutes", "32 minutes") in definition.details
    assert "Baseline re-measured" in page.content.decode()


def test_closing_a_commitment_and_editing_a_session_leave_a_trace(
    client, analyst_fleet, cso_fleet, dept_fleet, last_q
):
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    commitment = CommitmentFactory(meeting=meeting)
    commitments.commitment_close(user=analyst_fleet, commitment=commitment)
    closed = Commitment.history.filter(id=commitment.pk).latest("history_date")
    assert (closed.history_user, closed.history_change_reason) == (analyst_fleet, "Done")
    client.force_login(analyst_fleet)
    page = client.get(reverse("metrics:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Done" in page and "History" in page
    session = SessionFactory(department=dept_fleet, location="Room 1")
    session.location = "Room 2"
    session.save()
    client.force_login(cso_fleet)
    entries = client.get(session.get_absolute_url()).context["timeline"]
    assert ("Location", "Room 1", "Room 2") in entries[0].details


def test_a_csv_import_records_the_history_of_each_value(analyst_fleet, wait_time, last_q):
    from metrics.imports import values_import

    result = values_import(
        user=analyst_fleet, data=f"metric,period,value\nfleet-wait,{last_q.label},19\n".encode()
    )
    assert result.ok
    record = MetricValue.history.get()
    assert (record.history_user, record.history_change_reason) == (analyst_fleet, "CSV import")
    # A copy of the row as written: the same id, value, status and version.
    value = MetricValue.objects.get()
    assert (record.id, record.history_type, record.value, record.status) == (
        value.pk,
        "+",
        value.value,
        value.status,
    )
    assert (record.definition_version, record.entered_by) == (
        value.definition_version,
        analyst_fleet,
    )
    assert abs(record.history_date - value.created_at).total_seconds() < 1
