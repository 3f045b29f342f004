from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from metrics import services
from metrics.models import MetricValue
from tests.metrics.factories import add_value
from tests.plans.factories import AreaOfFocusFactory, PlanFactory


@pytest.fixture
def api():
    return APIClient()


def _token_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_analyst_creates_a_value_with_a_token(analyst_fleet, wait_time, last_q):
    client = _token_client(analyst_fleet)
    response = client.post(
        "/api/values/",
        {"metric": wait_time.pk, "period": last_q.code, "value": "19"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "green"
    assert response.json()["period"] == last_q.code


def test_posting_the_same_period_again_updates_it(analyst_fleet, wait_time, last_q):
    client = _token_client(analyst_fleet)
    body = {"metric": wait_time.pk, "period": last_q.code, "value": "19"}
    assert client.post("/api/values/", body, format="json").status_code == 201
    response = client.post("/api/values/", body | {"value": "26"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        "/api/values/", body | {"value": "26", "reason": "Late data"}, format="json"
    )
    assert response.status_code == 200
    assert MetricValue.objects.get().value == 26


def test_analyst_updates_a_value_with_patch(analyst_fleet, wait_time, last_q):
    mv = add_value(wait_time, last_q.start, 19)
    client = _token_client(analyst_fleet)
    url = f"/api/values/{mv.pk}/"
    response = client.patch(url, {"value": "30", "reason": "Recount"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "red"


@pytest.mark.parametrize("persona", ["cso_fleet", "head_fleet", "ccso", "md_office"])
def test_people_who_are_not_the_departments_analysts_cannot_write_values(
    request, persona, wait_time, last_q
):
    client = _token_client(request.getfixturevalue(persona))
    body = {"metric": wait_time.pk, "period": last_q.code, "value": "19"}
    assert client.post("/api/values/", body, format="json").status_code == 403
    mv = add_value(wait_time, last_q.start, 19)
    assert client.patch(f"/api/values/{mv.pk}/", {"value": "1"}, format="json").status_code == 403
    assert MetricValue.objects.get().value == 19


def test_another_departments_records_answer_404(analyst_streets, wait_time, last_q, area_fleet):
    mv = add_value(wait_time, last_q.start, 19)
    client = _token_client(analyst_streets)
    for url in (
        f"/api/values/{mv.pk}/",
        f"/api/metrics/{wait_time.pk}/",
        f"/api/departments/{wait_time.department_id}/",
        f"/api/plans/{area_fleet.plan_id}/",
        f"/api/areas-of-focus/{area_fleet.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.patch(f"/api/values/{mv.pk}/", {"value": "1"}, format="json").status_code == 404
    response = client.post(
        "/api/values/", {"metric": wait_time.pk, "period": last_q.code, "value": "1"}, format="json"
    )
    # Another department's metric answers as one that does not exist: 404.
    assert response.status_code == 404 and "metric" in response.json()
    assert client.get("/api/metrics/").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "FY2027 Q9", "value": "1"}, "period"),
        ({"period": "2026-08", "value": "1"}, "period"),
        ({"value": "1"}, "period"),
        ({"period": "FY2020 Q1", "value": "not a number"}, "value"),
        ({"period": "FY2020 Q1", "value": "1e40"}, "value"),
        ({"period": "FY2020 Q1", "value": "NaN"}, "value"),
        ({"period": "FY2099 Q1", "value": "1"}, "period"),
        ({"period": ["FY2020 Q1"], "value": "1"}, "period"),
        ({"period": "FY2020 Q1", "value": "1", "note": {"x": 1}}, "note"),
    ],
)
def test_invalid_input_gets_a_400_with_field_errors(analyst_fleet, wait_time, body, field):
    client = _token_client(analyst_fleet)
    response = client.post("/api/values/", {"metric": wait_time.pk, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_bad_filters_get_a_400(analyst_fleet):
    client = _token_client(analyst_fleet)
    assert client.get("/api/values/?metric=abc").status_code == 400
    assert client.get("/api/metrics/?department=-1").status_code == 400


def test_mdo_never_sees_a_plan_that_was_never_submitted(md_office, ccso, dept_fleet, cso_fleet):
    area = AreaOfFocusFactory(
        plan=PlanFactory(
            department=dept_fleet, status="draft", ever_submitted=False, with_area=False
        )
    )
    mdo = _token_client(md_office)
    assert mdo.get(f"/api/plans/{area.plan_id}/").status_code == 404
    assert mdo.get(f"/api/areas-of-focus/{area.pk}/").status_code == 404
    assert mdo.get("/api/plans/").json()["count"] == 0
    assert _token_client(cso_fleet).get(f"/api/plans/{area.plan_id}/").status_code == 200


def test_reads_list_metrics_with_latest_status(analyst_fleet, wait_time, last_q):
    add_value(wait_time, last_q.start, 30)
    data = _token_client(analyst_fleet).get("/api/metrics/").json()
    assert data["results"][0]["latest_status"] == "red"
    assert data["results"][0]["code"] == "fleet-wait"


def test_the_schema_describes_the_api(analyst_fleet, api):
    api.force_authenticate(analyst_fleet)
    response = _token_client(analyst_fleet).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/values/" in schema["paths"] and "/api/plans/" in schema["paths"]


def test_anonymous_api_requests_are_refused(api, wait_time):
    assert api.get("/api/metrics/").status_code == 403
    assert api.get("/api/schema/").status_code == 403


def test_service_and_api_agree_on_status(analyst_fleet, wait_time, last_q):
    mv, _ = services.value_record(
        user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=Decimal(25)
    )
    data = _token_client(analyst_fleet).get(f"/api/values/{mv.pk}/").json()
    assert data["status"] == mv.status == "amber"


def test_huge_or_odd_ids_answer_404_or_400_not_500(analyst_fleet, wait_time, last_q):
    client = _token_client(analyst_fleet)
    for url in (
        "/api/values/99999999999999999999999/",
        "/api/metrics/-1/",
        "/api/plans/abc/",
        "/api/departments/0/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        "/api/values/",
        {"metric": 99999999999999999999999, "period": last_q.code, "value": "1"},
        format="json",
    )
    assert response.status_code == 404
    assert client.get("/api/values/?metric=99999999999999999999999").status_code == 400


def test_query_parameters_are_checked_as_the_schema_says(analyst_fleet, wait_time, dept_streets):
    client = _token_client(analyst_fleet)
    for query, status in (
        ("department=0", 400),
        ("department=abc", 400),
        (f"department={dept_streets.pk}", 404),  # not seen: as one that does not exist
        ("department=999999", 404),
        ("limit=abc", 400),
        ("limit=0", 400),
        ("offset=xyz", 400),
        ("offset=-1", 400),
        ("limit=5&offset=0", 200),
    ):
        assert client.get(f"/api/metrics/?{query}").status_code == status, query
    assert client.get("/api/metrics/12.5/").status_code == 404
    assert client.get("/api/metrics/12.5/")["Content-Type"] == "application/json"


def test_a_value_cannot_change_its_period_or_metric_and_a_malformed_patch_is_refused(
    analyst_fleet, wait_time, resolution, last_q
):
    client = _token_client(analyst_fleet)
    mv = add_value(wait_time, last_q.start, 19)
    url = f"/api/values/{mv.pk}/"
    assert (
        client.post(
            "/api/values/",
            {"metric": wait_time.pk, "period": "0000Q1", "value": "1"},
            format="json",
        ).status_code
        == 400
    )
    assert client.patch(url, {}, format="json").status_code == 400
    refused = client.patch(url, {"valeu": "20"}, format="json")
    assert refused.status_code == 400 and "valeu" in refused.json()
    moved = client.patch(url, {"period": last_q.previous().code}, format="json")
    assert moved.status_code == 400 and "cannot change" in moved.json()["period"][0]
    other = client.patch(url, {"metric": resolution.pk}, format="json")
    assert other.status_code == 400 and "cannot change" in other.json()["metric"][0]
    changed = client.patch(url, {"value": "20", "reason": "Recount"}, format="json")
    assert changed.status_code == 200 and changed.json()["value"] == "20.0000"
