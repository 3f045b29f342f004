"""The reporting calendar: a quarter is open until its grace window closes,
then locked; a correction needs a reason and the CCSO's approval, and the same
rule holds for the value form, the grid, the CSV import, the API and the
quarterly narrative. These tests use the production window (30 days)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError
from metrics import corrections, services
from metrics.imports import values_import
from metrics.locks import period_locked, quarter_due_on, quarter_locks_after
from metrics.models import CorrectionStatus, MetricValue, NarrativeCorrection, ValueCorrection
from metrics.phillystat import services as phillystat_services
from tests.metrics.factories import PhillyStatMeetingFactory, QuarterlyNarrativeFactory, add_value


@pytest.fixture(autouse=True)
def production_calendar(settings):
    settings.METRIC_VALUES_DUE_DAYS = 15
    settings.METRIC_VALUES_GRACE_DAYS = 30
    settings.NARRATIVE_GRACE_DAYS = 0


@pytest.fixture
def locked_q():
    """A quarter whose grace window has closed (two quarters ago is always locked)."""
    q = fiscal.last_completed_quarter().previous()
    assert period_locked(q.start)
    return q


def test_the_calendar_says_when_values_are_due_and_when_the_quarter_locks():
    q = fiscal.quarter(2027, 1)  # July to September 2026
    assert quarter_due_on(q) == q.end + timedelta(days=15)
    assert quarter_locks_after(q) == q.end + timedelta(days=30)
    assert not period_locked(q.months()[1].start, today=q.end + timedelta(days=30))
    assert period_locked(q.months()[1].start, today=q.end + timedelta(days=31))


def test_a_locked_value_changes_only_after_the_ccso_approves(
    analyst_fleet, ccso, wait_time, locked_q
):
    mv = add_value(wait_time, locked_q.start, 24)
    with pytest.raises(RuleError) as refused:
        services.value_record(
            user=analyst_fleet, metric=wait_time, period_start=locked_q.start, value=Decimal(21)
        )
    assert refused.value.rule_code == "conflict" and "is locked" in refused.value.rule
    recorded, created = services.value_record(
        user=analyst_fleet,
        metric=wait_time,
        period_start=locked_q.start,
        value=Decimal(21),
        reason="The vendor's report was re-run.",
    )
    correction = recorded.pending_correction
    assert (created, correction.status, correction.old_value) == (False, "pending", 24)
    mv.refresh_from_db()
    assert mv.value == 24  # unchanged while it waits
    with pytest.raises(RuleError):  # one waiting correction per period
        services.value_record(
            user=analyst_fleet,
            metric=wait_time,
            period_start=locked_q.start,
            value=Decimal(22),
            reason="again",
        )
    assert corrections.value_correction_decide(user=ccso, correction=correction, approve=True)
    assert not corrections.value_correction_decide(user=ccso, correction=correction, approve=True)
    mv.refresh_from_db()
    correction.refresh_from_db()
    assert (mv.value, mv.status) == (21, "amber")
    assert (correction.status, correction.decided_by, correction.metric_value) == (
        CorrectionStatus.APPROVED,
        ccso,
        mv,
    )


def test_nobody_approves_their_own_correction_and_others_cannot_approve(
    analyst_fleet, ccso, cso_fleet, wait_time, locked_q
):
    add_value(wait_time, locked_q.start, 24)
    correction = ValueCorrection.objects.create(
        metric=wait_time,
        period_start=locked_q.start,
        new_value=21,
        reason="x",
        status="pending",
        changed_by=ccso,
    )
    with pytest.raises(RuleError):
        corrections.value_correction_decide(user=ccso, correction=correction, approve=True)
    with pytest.raises(Exception) as denied:
        corrections.value_correction_decide(user=cso_fleet, correction=correction, approve=True)
    assert type(denied.value).__name__ == "PermissionDenied"


def test_the_value_form_sends_a_correction_and_the_ccso_approves_it_on_her_page(
    client, analyst_fleet, ccso, wait_time, locked_q
):
    add_value(wait_time, locked_q.start, 24)
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_create", args=[wait_time.pk])
    page = client.post(url, {"period": locked_q.label, "value": "21"})
    assert page.status_code == 200
    assert "is locked" in page.content.decode()
    response = client.post(
        url, {"period": locked_q.label, "value": "21", "reason": "Re-run report"}, follow=True
    )
    assert "waits for the Chief Customer Service Officer" in response.content.decode()
    assert "Correction waiting for approval" in response.content.decode()
    correction = ValueCorrection.objects.get(status="pending")
    client.force_login(ccso)
    listing = client.get(reverse("metrics:corrections")).content.decode()
    assert "Re-run report" in listing and wait_time.name in listing
    client.post(
        reverse("metrics:value_correction_decide", args=[correction.pk]),
        {"decision": "approve", "note": ""},
    )
    assert MetricValue.objects.get(metric=wait_time, period_start=locked_q.start).value == 21
    client.force_login(analyst_fleet)
    page = client.get(wait_time.get_absolute_url()).content.decode()
    assert "approved by" in page and "Re-run report" in page


def test_the_grid_shows_a_locked_quarter_read_only(client, analyst_fleet, wait_time, locked_q):
    add_value(wait_time, locked_q.start, 24)
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_grid", args=["fleet"]) + f"?quarter={locked_q.code}"
    assert "ask for a correction" in client.get(url).content.decode()
    client.post(url, {f"v_{wait_time.pk}_{locked_q.start:%Y%m}": "21", "reason": "x"})
    assert MetricValue.objects.get(metric=wait_time).value == 24
    assert not ValueCorrection.objects.exists()


def test_the_csv_import_keeps_locked_rows_for_approval(analyst_fleet, wait_time, locked_q):
    add_value(wait_time, locked_q.start, 24)
    data = f"metric,period,value,note\nfleet-wait,{locked_q.label},21,\n".encode()
    refused = values_import(user=analyst_fleet, data=data)
    assert not refused.ok and "is locked" in refused.errors[0][1]
    data = f"metric,period,value,note\nfleet-wait,{locked_q.label},21,re-run\n".encode()
    result = values_import(user=analyst_fleet, data=data)
    assert result.ok and result.pending_count == 1
    assert MetricValue.objects.get(metric=wait_time).value == 24
    assert ValueCorrection.objects.get().status == "pending"


def test_the_api_answers_409_with_the_rule_then_202_for_a_correction(
    analyst_fleet, wait_time, locked_q
):
    add_value(wait_time, locked_q.start, 24)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst_fleet).key}")
    body = {"metric": wait_time.pk, "period": locked_q.code, "value": "21"}
    refused = api.post("/api/values/", body, format="json")
    assert refused.status_code == 409
    assert "is locked" in refused.json()["reason"][0]
    accepted = api.post("/api/values/", body | {"reason": "Re-run report"}, format="json")
    assert accepted.status_code == 202
    assert accepted.json()["status"] == "pending" and accepted.json()["old_value"] == "24.0000"


def test_a_narrative_after_its_meeting_is_corrected_with_approval(
    cso_fleet, ccso, dept_fleet, locked_q
):
    PhillyStatMeetingFactory(department=dept_fleet, period=locked_q)  # held
    narrative = QuarterlyNarrativeFactory(department=dept_fleet, period=locked_q)
    save = {
        "user": cso_fleet,
        "department": dept_fleet,
        "quarter": locked_q,
        "what_changed": "Two windows, then three.",
        "notes": {},
    }
    with pytest.raises(RuleError) as refused:
        phillystat_services.narrative_save(**save)
    assert refused.value.rule_code == "conflict"
    correction = phillystat_services.narrative_save(**save, reason="The third window opened.")
    assert isinstance(correction, NarrativeCorrection)
    narrative.refresh_from_db()
    assert narrative.what_changed == "Opened a second service window."
    corrections.narrative_correction_decide(user=ccso, correction=correction, approve=True)
    narrative.refresh_from_db()
    assert narrative.what_changed == "Two windows, then three."
