from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from csoprogram.lib import fiscal
from metrics import services
from metrics.models import MetricValue, ValueCorrection


@pytest.mark.parametrize(
    "persona", ["cso_fleet", "head_fleet", "ccso", "md_office", "analyst_streets"]
)
def test_only_the_departments_analysts_can_record_values(request, persona, wait_time, last_q):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.value_record(
            user=user, metric=wait_time, period_start=last_q.start, value=Decimal(1)
        )
    assert not MetricValue.objects.exists()


def test_analyst_records_a_value_with_its_status(analyst_fleet, wait_time, last_q):
    mv, created = services.value_record(
        user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=Decimal("24")
    )
    assert created and mv.status == "amber" and mv.entered_by == analyst_fleet


def test_a_duplicate_period_updates_rather_than_duplicates(analyst_fleet, wait_time, last_q):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    mv, created = services.value_record(
        user=analyst_fleet,
        metric=wait_time,
        period_start=last_q.start,
        value=30,
        reason="Late data",
    )
    assert not created
    assert MetricValue.objects.filter(metric=wait_time).count() == 1
    assert mv.value == 30 and mv.status == "red"


def test_the_database_refuses_two_values_for_one_period(analyst_fleet, wait_time, last_q):
    from django.db import IntegrityError, transaction

    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricValue.objects.create(metric=wait_time, period_start=last_q.start, value=19)


def test_a_correction_needs_a_reason_and_keeps_the_old_value_and_who(
    analyst_fleet, wait_time, last_q
):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    with pytest.raises(ValidationError) as exc:
        services.value_record(
            user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=21
        )
    assert "reason" in exc.value.message_dict
    services.value_record(
        user=analyst_fleet,
        metric=wait_time,
        period_start=last_q.start,
        value=21,
        reason="Counted weekend closures",
    )
    correction = ValueCorrection.objects.get()
    assert (correction.old_value, correction.new_value) == (18, 21)
    assert correction.changed_by == analyst_fleet
    assert correction.reason == "Counted weekend closures"


def test_the_same_value_again_needs_no_reason(analyst_fleet, wait_time, last_q):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    assert not ValueCorrection.objects.exists()


def test_a_period_must_match_the_frequency_and_have_started(
    analyst_fleet, wait_time, resolution, last_q
):
    with pytest.raises(ValidationError):
        services.value_record(
            user=analyst_fleet, metric=wait_time, period_start=last_q.months()[1].start, value=1
        )
    with pytest.raises(ValidationError):
        services.value_record(
            user=analyst_fleet,
            metric=wait_time,
            period_start=fiscal.current_quarter().next().start,
            value=1,
        )
    mv, _ = services.value_record(
        user=analyst_fleet, metric=resolution, period_start=last_q.months()[1].start, value=77
    )
    assert mv.status == "amber"


def test_value_form_saves_and_shows_on_the_metric_page(client, analyst_fleet, wait_time, last_q):
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_create", args=[wait_time.pk])
    response = client.post(url, {"period": last_q.label, "value": "19.5", "note": "New kiosk"})
    assert response.status_code == 302
    page = client.get(wait_time.get_absolute_url()).content.decode()
    assert "19.5 minutes" in page and "New kiosk" in page and "On target" in page


def test_value_form_shows_errors_next_to_fields(client, analyst_fleet, wait_time, last_q):
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_create", args=[wait_time.pk])
    response = client.post(url, {"period": "2026-08", "value": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "reported by fiscal quarter" in html and "Enter a number" in html
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    response = client.post(url, {"period": last_q.label, "value": "22"})
    assert "Say why it changes" in response.content.decode()
    response = client.post(url, {"period": last_q.label, "value": "22", "reason": "Recount"})
    assert response.status_code == 302
    page = client.get(wait_time.get_absolute_url()).content.decode()
    assert "Corrected from 18 minutes to 22 minutes" in page and "Recount" in page


def test_the_grid_saves_every_metric_of_the_quarter_at_once(
    client, analyst_fleet, wait_time, resolution, last_q
):
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_grid", args=["fleet"]) + f"?quarter={last_q.code}"
    page = client.get(url)
    assert page.status_code == 200
    months = last_q.months()
    data = {
        f"v_{wait_time.pk}_{last_q.start:%Y%m}": "21",
        f"v_{resolution.pk}_{months[0].start:%Y%m}": "70",
        f"v_{resolution.pk}_{months[1].start:%Y%m}": "75",
        f"v_{resolution.pk}_{months[2].start:%Y%m}": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert MetricValue.objects.count() == 3
    assert (
        MetricValue.objects.get(metric=resolution, period_start=months[1].start).status == "amber"
    )


def test_a_grid_with_a_correction_but_no_reason_saves_nothing(
    client, analyst_fleet, wait_time, resolution, last_q
):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_grid", args=["fleet"]) + f"?quarter={last_q.code}"
    data = {
        f"v_{wait_time.pk}_{last_q.start:%Y%m}": "25",
        f"v_{resolution.pk}_{last_q.start:%Y%m}": "70",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why it changes" in response.content.decode()
    assert MetricValue.objects.count() == 1
    assert MetricValue.objects.get().value == 18
    data["reason"] = "Supplier data corrected"
    assert client.post(url, data).status_code == 302
    assert MetricValue.objects.count() == 2


def test_grid_of_another_department_is_404_and_a_cso_gets_403(client, cso_fleet, analyst_streets):
    client.force_login(analyst_streets)
    assert client.get(reverse("metrics:value_grid", args=["fleet"])).status_code == 404
    client.force_login(cso_fleet)
    assert client.get(reverse("metrics:value_grid", args=["fleet"])).status_code == 403


def test_saving_the_grid_again_unchanged_keeps_who_entered_each_value(
    client, analyst_fleet, dept_fleet, wait_time, last_q
):
    from departments.models import DepartmentRole
    from tests.departments.factories import UserFactory, assign

    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    colleague = assign(UserFactory(username="analyst_two"), dept_fleet, DepartmentRole.ANALYST)
    client.force_login(colleague)
    url = reverse("metrics:value_grid", args=["fleet"]) + f"?quarter={last_q.code}"
    response = client.post(url, {f"v_{wait_time.pk}_{last_q.start:%Y%m}": "18"})
    assert response.status_code == 302
    assert MetricValue.objects.get().entered_by == analyst_fleet
    assert not ValueCorrection.objects.exists()
