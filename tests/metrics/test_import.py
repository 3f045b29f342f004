import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.tasks import outbox_drain_task
from departments.models import CheckedUpload, DepartmentRole
from departments.uploads.services import checked_uploads_purge
from metrics import imports, services
from metrics.models import MetricValue, ValueCorrection
from tests.departments.factories import UserFactory, assign


def _csv(*lines: str) -> bytes:
    return ("metric,period,value,note\n" + "\n".join(lines) + "\n").encode()


def test_a_clean_file_imports_every_row(analyst_fleet, wait_time, resolution, last_q):
    m1, m2 = last_q.months()[:2]
    data = _csv(
        f"fleet-wait,{last_q.label},19,",
        f"fleet-fcr,{m1.code},81,",
        f"FLEET-FCR,{m2.code},74.5,short staffed",
    )
    result = imports.values_import(user=analyst_fleet, data=data)
    assert result.ok, result.errors
    assert MetricValue.objects.count() == 3
    assert MetricValue.objects.get(metric=resolution, period_start=m2.start).status == "red"


def test_every_bad_line_is_named_with_its_reason_and_nothing_is_imported(
    analyst_fleet, wait_time, resolution, streets_metric, last_q
):
    future = fiscal.current_quarter().next()
    data = _csv(
        f"fleet-wait,{last_q.label},19,",  # line 2: fine
        f"no-such-metric,{last_q.label},1,",  # 3
        f"fleet-wait,{last_q.months()[0].code},19,",  # 4: a month for a quarterly metric
        f"fleet-fcr,{last_q.label},80,",  # 5: a quarter for a monthly metric
        f"fleet-wait,{last_q.previous().label},twelve,",  # 6: not a number
        f"fleet-wait,{last_q.label},20,",  # 7: duplicate of line 2
        f"streets-potholes,{last_q.label},3,",  # 8: not the analyst's department
        "fleet-wait,Q7,3,",  # 9: not a period
        f"fleet-wait,{future.label},3,",  # 10: not started yet
    )
    result = imports.values_import(user=analyst_fleet, data=data)
    assert not result.ok
    reasons = dict(result.errors)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Unknown metric" in reasons[3]
    assert "reported by fiscal quarter" in reasons[4]
    assert "reported by month" in reasons[5]
    assert "not a number" in reasons[6]
    assert "Duplicate" in reasons[7] and "line 2" in reasons[7]
    # Another department's metric answers exactly like an unknown one.
    assert reasons[3] == "Unknown metric “no-such-metric”."
    assert reasons[8] == "Unknown metric “streets-potholes”."
    assert "not a period" in reasons[9]
    assert "not started" in reasons[10]
    assert not MetricValue.objects.exists()


def test_a_correction_in_a_file_needs_its_reason_in_the_note(analyst_fleet, wait_time, last_q):
    services.value_record(user=analyst_fleet, metric=wait_time, period_start=last_q.start, value=18)
    result = imports.values_import(user=analyst_fleet, data=_csv(f"fleet-wait,{last_q.label},22,"))
    assert [line for line, _ in result.errors] == [2]
    assert MetricValue.objects.get().value == 18
    result = imports.values_import(
        user=analyst_fleet, data=_csv(f"fleet-wait,{last_q.label},22,recount")
    )
    assert result.ok
    assert MetricValue.objects.get().value == 22
    assert ValueCorrection.objects.get().reason == "recount"


def test_files_over_5_mb_or_20000_rows_are_refused(analyst_fleet, wait_time):
    big = b"metric,period,value,note\n" + b"x" * (5 * 1024 * 1024)
    assert "5 MB" in imports.values_import_check(user=analyst_fleet, data=big).errors[0][1]
    rows = "".join(f"fleet-wait,FY2020 Q1,{i},\n" for i in range(20_001))
    result = imports.values_import_check(user=analyst_fleet, data=_csv() + rows.encode())
    assert "20,000" in result.errors[0][1]


def test_a_file_without_the_columns_says_so(analyst_fleet):
    result = imports.values_import_check(user=analyst_fleet, data=b"name,when,amount\nx,y,1\n")
    assert result.errors[0][0] == 1 and "missing: metric, period, value" in result.errors[0][1]


def test_upload_page_previews_then_imports(client, analyst_fleet, wait_time, last_q):
    client.force_login(analyst_fleet)
    url = reverse("metrics:value_import")
    bad = SimpleUploadedFile("v.csv", _csv(f"fleet-wait,{last_q.label},x,"), "text/csv")
    html = client.post(url, {"action": "check", "file": bad}).content.decode()
    assert "Nothing was imported" in html and "Line 2:" in html
    good = SimpleUploadedFile("v.csv", _csv(f"fleet-wait,{last_q.label},19,"), "text/csv")
    html = client.post(url, {"action": "check", "file": good}).content.decode()
    assert "Ready to import 1 value" in html
    assert not MetricValue.objects.exists()
    # The checked file waits on the server, named by an opaque token: not in the session.
    upload = CheckedUpload.objects.get()
    assert upload.owner == analyst_fleet and f'value="{upload.token}"' in html
    assert not any(isinstance(v, str) and "fleet-wait" in v for v in client.session.values())
    response = client.post(url, {"action": "import", "upload": upload.token})
    assert response.status_code == 302
    assert MetricValue.objects.get().value == 19
    # Imported: the file is gone, and the token cannot import it twice.
    assert not CheckedUpload.objects.exists()
    assert client.post(url, {"action": "import", "upload": upload.token}).status_code == 404


def _checked(client, user, last_q):
    client.force_login(user)
    good = SimpleUploadedFile("v.csv", _csv(f"fleet-wait,{last_q.label},19,"), "text/csv")
    client.post(reverse("metrics:value_import"), {"action": "check", "file": good})
    return CheckedUpload.objects.get(owner=user)


def test_a_checked_file_is_only_its_owners(client, analyst_fleet, wait_time, last_q):
    upload = _checked(client, analyst_fleet, last_q)
    other = assign(
        UserFactory(username="analyst_fleet_2"), wait_time.department, DepartmentRole.ANALYST
    )
    client.force_login(other)
    url = reverse("metrics:value_import")
    assert client.post(url, {"action": "import", "upload": upload.token}).status_code == 404
    assert client.post(url, {"action": "import", "upload": "made-up"}).status_code == 404
    assert client.post(url, {"action": "import"}).status_code == 404
    assert not MetricValue.objects.exists()


def test_an_expired_checked_file_asks_for_the_file_again_and_is_swept(
    client, analyst_fleet, wait_time, last_q
):
    upload = _checked(client, analyst_fleet, last_q)
    assert upload.expires_at - upload.created_at == timedelta(hours=1)
    assert upload.sha256 == hashlib.sha256(bytes(upload.content)).hexdigest()
    # An hour later (the clock moved: its expiry is now past).
    CheckedUpload.objects.filter(pk=upload.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(
        reverse("metrics:value_import"), {"action": "import", "upload": upload.token}
    )
    assert response.status_code == 302
    assert "Upload the file again" in client.get(response.url).content.decode()
    assert not MetricValue.objects.exists() and not CheckedUpload.objects.exists()
    # Never imported: the minute's upkeep task removes what expired.
    upload = _checked(client, analyst_fleet, last_q)
    assert checked_uploads_purge(now=upload.expires_at - timedelta(seconds=1)) == 0
    assert checked_uploads_purge(now=upload.expires_at) == 1
    upload = _checked(client, analyst_fleet, last_q)
    with mock.patch("django.utils.timezone.now", return_value=upload.expires_at):
        outbox_drain_task()
    assert not CheckedUpload.objects.exists()


@pytest.mark.parametrize("cell", ["late\x00", "a\x07b", "x\x1by", "\x7f"])
def test_control_characters_in_a_note_are_named_at_the_check_step(
    client, analyst_fleet, wait_time, last_q, cell
):
    data = _csv(f"fleet-wait,{last_q.label},19,{cell}", f"fleet-wait,{last_q.previous().label},18,")
    result = imports.values_import_check(user=analyst_fleet, data=data)
    assert result.errors == [(2, "The line holds a control character (such as NUL); remove it.")]
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:value_import"),
        {"action": "check", "file": SimpleUploadedFile("v.csv", data, "text/csv")},
    )
    assert response.status_code == 200 and "Line 2:" in response.content.decode()
    assert not CheckedUpload.objects.exists() and not MetricValue.objects.exists()


def test_the_upload_page_is_for_analysts_only(client, cso_fleet, ccso):
    for user in (cso_fleet, ccso):
        client.force_login(user)
        assert client.get(reverse("metrics:value_import")).status_code == 403
