from decimal import Decimal

import pytest
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError
from metrics import services
from metrics.models import Metric, MetricVersion
from metrics.selectors import metric_value_rows
from tests.metrics.factories import StarterMetricFactory, add_value


def test_cso_proposes_a_metric_without_baseline_or_target(
    client, cso_fleet, dept_fleet, area_fleet
):
    client.force_login(cso_fleet)
    url = reverse("metrics:metric_create", args=["fleet"])
    page = client.get(url).content.decode()
    assert "Baseline" not in page and "Target" not in page
    response = client.post(
        url,
        {
            "name": "Vehicles returned on time",
            "area_of_focus": area_fleet.pk,
            "definition": "Share of vehicles returned by the promised date.",
            "unit": "percent",
            "direction": "higher",
            "frequency": "monthly",
            "rollup": "average",
            "target_value": "99",  # ignored: only the analyst sets targets
        },
    )
    assert response.status_code == 302
    metric = Metric.objects.get(name="Vehicles returned on time")
    assert metric.target_value is None and metric.proposed_by == cso_fleet
    assert metric.code == "fleet-vehicles-returned-on-time"
    assert metric.versions.count() == 1


def test_analyst_sets_baseline_target_and_band(client, analyst_fleet, wait_time):
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:metric_edit", args=[wait_time.pk]),
        {
            "name": wait_time.name,
            "definition": wait_time.definition,
            "unit": "minutes",
            "direction": "lower",
            "frequency": "quarterly",
            "rollup": "average",
            "baseline_value": "31",
            "baseline_period": "FY2026 Q1",
            "target_value": "18",
            "target_period": "FY2028 Q4",
            "amber_band": "3",
            "change_note": "Baseline and target agreed with the department head",
        },
    )
    assert response.status_code == 302, response.content.decode()
    wait_time.refresh_from_db()
    assert (wait_time.baseline_value, wait_time.target_value) == (31, 18)
    assert wait_time.baseline_period == fiscal.quarter(2026, 1).start
    assert wait_time.target_label == "FY2028 Q4"


def test_changing_the_target_after_values_keeps_the_old_version(analyst_fleet, wait_time, last_q):
    old = add_value(wait_time, last_q.previous().start, 24)  # amber against target 20
    new = add_value(wait_time, last_q.start, 24)
    services.metric_update(
        user=analyst_fleet,
        metric=wait_time,
        data={"target_value": Decimal("25")},
        effective_from=last_q,
        change_note="Target agreed with the Managing Director's Office",
    )
    assert list(wait_time.versions.values_list("number", "target_value")) == [(1, 20), (2, 25)]
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.definition_version, old.status) == (1, "amber")
    assert (new.definition_version, new.status) == (2, "green")


def test_the_metric_page_shows_definition_changed_beside_affected_values(
    client, analyst_fleet, wait_time, last_q
):
    add_value(wait_time, last_q.previous().start, 24)
    add_value(wait_time, last_q.start, 24)
    services.metric_update(
        user=analyst_fleet,
        metric=wait_time,
        data={"definition": "Minutes from check-in until served."},
        effective_from=last_q,
        change_note="Counted from check-in, as the kiosk logs it",
    )
    client.force_login(analyst_fleet)
    page = client.get(wait_time.get_absolute_url()).content.decode()
    assert f"Definition changed in {last_q.label}" in page
    assert "Definition versions" in page
    rows = {r.value.period_start: r.definition_changed for r in metric_value_rows(wait_time)}
    assert rows == {
        last_q.previous().start: "",
        last_q.start: f"Definition changed in {last_q.label}",
    }


def test_a_target_set_before_any_value_makes_a_version_in_force_from_the_start(
    analyst_fleet, dept_fleet, last_q
):
    metric = services.metric_create(
        user=analyst_fleet,
        department=dept_fleet,
        data={
            "name": "Satisfaction",
            "definition": "Survey",
            "unit": "score",
            "direction": "higher",
        },
    )
    with pytest.raises(RuleError) as refused:
        services.metric_update(user=analyst_fleet, metric=metric, data={"target_value": 4})
    assert refused.value.field == "change_note"
    services.metric_update(
        user=analyst_fleet, metric=metric, data={"target_value": Decimal(4)}, change_note="Agreed"
    )
    versions = list(MetricVersion.objects.filter(metric=metric).order_by("number"))
    assert [(v.number, v.target_value, v.change_note) for v in versions] == [
        (1, None, "Defined"),
        (2, 4, "Agreed"),
    ]
    assert versions[1].effective_from == versions[0].effective_from  # no values yet: all periods
    assert versions[1].created_by == analyst_fleet
    value, _ = services.value_record(
        user=analyst_fleet, metric=metric, period_start=last_q.start, value=Decimal(5)
    )
    assert value.status == "green"


def test_the_starter_library_copies_into_a_department(client, cso_fleet, dept_fleet, area_fleet):
    # The library ships with a migration; a transactional test elsewhere may
    # have emptied the table, so this test brings its own five.
    starters = [StarterMetricFactory() for _ in range(5)]
    client.force_login(cso_fleet)
    response = client.post(
        reverse("metrics:library_copy", args=["fleet"]),
        {"fleet-starters": [s.pk for s in starters], "fleet-area_of_focus": area_fleet.pk},
    )
    assert response.status_code == 302
    assert Metric.objects.filter(department=dept_fleet, area_of_focus=area_fleet).count() == 5
    # Copying again adds nothing twice.
    client.post(
        reverse("metrics:library_copy", args=["fleet"]),
        {"fleet-starters": [s.pk for s in starters]},
    )
    assert Metric.objects.filter(department=dept_fleet).count() == 5


def test_chart_and_sparkline_are_svg_without_scripts(client, cso_fleet, wait_time, last_q):
    add_value(wait_time, last_q.previous().start, 40)
    add_value(wait_time, last_q.start, 19)
    client.force_login(cso_fleet)
    for name in ("metrics:metric_chart", "metrics:metric_sparkline"):
        response = client.get(reverse(name, args=[wait_time.pk]))
        assert response["Content-Type"] == "image/svg+xml"
        svg = response.content.decode()
        assert "<svg" in svg and "<script" not in svg
    chart = client.get(reverse("metrics:metric_chart", args=[wait_time.pk])).content.decode()
    assert "#a4161a" in chart and "#1e6b35" in chart  # a red and a green point
    assert "Target of each quarter" in chart and "Baseline 30 minutes" in chart


def test_metric_list_query_count_does_not_grow_with_departments(
    client, django_assert_max_num_queries, ccso
):
    from tests.departments.factories import DepartmentFactory
    from tests.metrics.factories import MetricFactory

    for i in range(6):
        MetricFactory(department=DepartmentFactory(slug=f"d{i}"))
    client.force_login(ccso)
    # Ten, and two for the page: the count of departments and the page's ids.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("metrics:metric_list")).status_code == 200


def test_department_page_shows_the_metrics_panel(client, analyst_fleet, wait_time, last_q):
    add_value(wait_time, last_q.start, 40)
    client.force_login(analyst_fleet)
    page = client.get(reverse("departments:detail", args=["fleet"])).content.decode()
    assert "Average wait time" in page and "Off target" in page
    assert "Enter a quarter&#x27;s values" in page or "Enter a quarter's values" in page


def test_a_monthly_metric_page_rolls_its_months_up_by_quarter(
    client, cso_fleet, resolution, last_q
):
    for month, value in zip(last_q.months(), (70, 74, 81), strict=True):
        add_value(resolution, month.start, value)
    client.force_login(cso_fleet)
    page = client.get(resolution.get_absolute_url()).content.decode()
    assert "months roll up by average of the months" in page
    assert "75%" in page and "3 of 3 months" in page  # (70 + 74 + 81) / 3 = 75, amber


def test_print_chart_draws_each_value_in_its_status_colour_between_its_lines(wait_time, last_q):
    import xml.etree.ElementTree as ET

    from csoprogram.lib import fiscal
    from metrics import charts

    add_value(wait_time, last_q.previous().start, 40)
    add_value(wait_time, last_q.start, 19)
    svg = charts.metric_trend_svg(wait_time, list(wait_time.values.all()), for_print=True)
    root = ET.fromstring(svg)  # noqa: S314 (our own output) well-formed, so WeasyPrint reads it
    ns = "{http://www.w3.org/2000/svg}"
    assert not root.findall(f".//{ns}style") and not root.findall(f".//{ns}script")
    dots = root.findall(f"{ns}circle")
    assert [d.get("fill") for d in dots] == ["#a4161a", "#1e6b35"]  # 40 red, then 19 green
    lines = {ln.get("stroke-dasharray"): float(ln.get("y1")) for ln in root.findall(f"{ns}line")}
    baseline_y = lines["3,5"]
    target = next(p for p in root.findall(f"{ns}polyline") if p.get("stroke-dasharray") == "10,5")
    target_y = float(target.get("points").split()[0].split(",")[1])  # target 20 each quarter
    red_y, green_y = (float(d.get("cy")) for d in dots)
    # SVG y grows downwards: 40 above the baseline 30, above the target 20, above 19.
    assert red_y < baseline_y < target_y < green_y
    labels = [t.text for t in root.findall(f"{ns}text")]
    assert fiscal.period_label(last_q.start, wait_time.frequency) in labels


def test_print_chart_without_values_says_so():
    from metrics import charts
    from metrics.models import Metric

    svg = charts.metric_print_svg(Metric(name="Calls answered"), []).decode()
    assert "No values yet" in svg


def test_nice_ticks_cover_the_range_with_round_steps():
    from metrics.charts import _nice_ticks

    assert _nice_ticks(19, 40) == [10, 20, 30, 40]
    assert _nice_ticks(-3, 1200) == [-500, 0, 500, 1000, 1500]
    assert _nice_ticks(0.2, 0.9) == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert _nice_ticks(5, 5) == [4, 4.5, 5, 5.5, 6]
