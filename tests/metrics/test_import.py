from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csoprogram.lib import fiscal
from metrics import imports, services
from metrics.models import MetricValue, ValueCorrection


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
    response = client.post(url, {"action": "import"})
    assert response.status_code == 302
    assert MetricValue.objects.get().value == 19


def test_the_upload_page_is_for_analysts_only(client, cso_fleet, ccso):
    for user in (cso_fleet, ccso):
        client.force_login(user)
        assert client.get(reverse("metrics:value_import")).status_code == 403
