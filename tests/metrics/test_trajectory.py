"""Interim targets: each quarter's value is compared with that quarter's
target on the trajectory, in the definition version in force then."""

from decimal import Decimal

from django.urls import reverse

from csoprogram.lib import fiscal
from metrics import services
from metrics.selectors import definition_changes, metric_versions
from metrics.trajectory import quarter_target, trajectory
from tests.metrics.factories import MetricFactory, add_value

FY26 = [fiscal.quarter(2026, q) for q in (1, 2, 3, 4)]


def _metric(dept, **extra):
    """Lower is better: 30 minutes in FY2026 Q1, 20 by FY2027 Q1 (four quarters), amber 1."""
    fields = {
        "baseline_value": Decimal(30),
        "baseline_period": FY26[0].start,
        "target_value": Decimal(20),
        "target_period": fiscal.quarter(2027, 1).start,
        "amber_band": Decimal(1),
    } | extra
    return MetricFactory(department=dept, **fields)


def test_the_trajectory_runs_straight_from_baseline_to_target(dept_fleet):
    metric = _metric(dept_fleet)
    assert [quarter_target(metric, q) for q in FY26] == [30, Decimal("27.5"), 25, Decimal("22.5")]
    assert quarter_target(metric, fiscal.quarter(2027, 1)) == 20
    assert quarter_target(metric, fiscal.quarter(2028, 3)) == 20  # the target, from then on
    assert quarter_target(metric, fiscal.quarter(2025, 2)) == 30  # before: the baseline


def test_a_quarter_set_by_hand_wins_over_the_line(dept_fleet):
    metric = _metric(dept_fleet, interim_targets={"FY2026-Q2": "29"})
    points = {p.quarter: p for p in trajectory(metric)}
    assert (points[FY26[1]].target, points[FY26[1]].set_by_hand) == (29, True)
    assert (points[FY26[2]].target, points[FY26[2]].set_by_hand) == (25, False)


def test_status_compares_a_quarter_with_its_own_target_not_the_final_one(analyst_fleet, dept_fleet):
    metric = _metric(dept_fleet)
    value, _ = services.value_record(
        user=analyst_fleet, metric=metric, period_start=FY26[1].start, value=Decimal(28)
    )
    # 28 against 27.5 is half a minute short: amber, where the final 20 said red.
    assert value.status == "amber"
    value, _ = services.value_record(
        user=analyst_fleet, metric=metric, period_start=FY26[2].start, value=Decimal(25)
    )
    assert value.status == "green"


def test_a_past_quarter_keeps_the_version_in_force_then(analyst_fleet, dept_fleet):
    metric = _metric(dept_fleet)
    past = add_value(metric, FY26[2].start, 26)  # 25 then: amber
    services.metric_update(
        user=analyst_fleet,
        metric=metric,
        data={"target_value": Decimal(15), "baseline_value": Decimal(32)},
        effective_from=FY26[3],
        change_note="Tighter target after the new kiosk",
    )
    later, _ = services.value_record(
        user=analyst_fleet, metric=metric, period_start=FY26[3].start, value=Decimal(22.5)
    )
    past.refresh_from_db()
    assert (past.definition_version, past.status) == (1, "amber")
    # FY2026 Q4 under version 2: 32 → 15 over four quarters, 19.25 in Q4.
    assert (later.definition_version, later.status) == (2, "red")
    versions = metric_versions(metric)
    assert [v.number for v in definition_changes(versions, FY26[2].start)] == [2]
    assert versions[1].baseline_value == 32 and versions[1].created_by == analyst_fleet


def test_the_analyst_edits_the_trajectory_and_the_page_shows_it(client, analyst_fleet, dept_fleet):
    metric = _metric(dept_fleet)
    add_value(metric, FY26[1].start, 28)
    client.force_login(analyst_fleet)
    url = reverse("metrics:metric_trajectory", args=[metric.pk])
    form = client.get(url).content.decode()
    assert 'placeholder="27.5 minutes"' in form
    response = client.post(
        url,
        {
            "target_2026_q3": "26",
            "effective_from": "FY2026 Q1",
            "change_note": "A slower first year: new staff in training",
        },
    )
    assert response.status_code == 302, response.content.decode()
    metric.refresh_from_db()
    assert metric.interim_targets == {"FY2026-Q3": "26"}
    assert metric.versions.count() == 2
    page = client.get(metric.get_absolute_url()).content.decode()
    assert "set by hand" in page and "A slower first year" in page


def test_chart_and_packet_say_definition_changed_and_draw_each_periods_target(
    analyst_fleet, dept_fleet
):
    from django.template.loader import render_to_string

    from metrics import charts
    from metrics.phillystat.packet_render import AGENDA, department_packet_context

    metric = _metric(dept_fleet)
    for q, value in zip(FY26, (30, 28, 26, 23), strict=True):
        add_value(metric, q.start, value)
    services.metric_update(
        user=analyst_fleet,
        metric=metric,
        data={"target_value": Decimal(15)},
        effective_from=FY26[3],
        change_note="Tighter target after the new kiosk",
    )
    svg = charts.metric_trend_svg(metric, list(metric.values.all())).decode()
    assert "Definition changed in FY2026 Q4" in svg
    target = next(line for line in svg.split("<polyline") if 'stroke-dasharray="10,5"' in line)
    levels = {pair.split(",")[1] for pair in target.split('points="')[1].split('"')[0].split()}
    assert len(levels) == 4  # 30, 27.5, 25 (version 1), then 18.75 (version 2)
    html = render_to_string(
        "metrics/packets/section.html",
        {"s": department_packet_context(dept_fleet, quarter=FY26[3]), "agenda": AGENDA},
    )
    assert "Definition changed in FY2026 Q4" in html
    assert "Tighter target after the new kiosk" in html
