"""Customer service metrics in a real browser: an analyst enters a quarter in
the grid and imports a CSV, keyboard only; every metrics page passes axe at
1280 and 375 px without sideways scrolling."""

import pytest

from csoprogram.lib import fiscal
from tests.browser.conftest import screenshot
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    add_value,
)
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.browser


def tab_to(page, element_id: str, *, limit: int = 80):
    """Press Tab until the element with this id has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def tab_to_button(page, text: str, *, limit: int = 120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement && document.activeElement.tagName === 'BUTTON'"
            " && document.activeElement.textContent.trim()"
        )
        if focused and focused.startswith(text):
            return
    raise AssertionError(f"Tab never reached the button {text!r}")


def choose_file_with_keyboard(page, element_id: str, path):
    """Tab to the file input and open the file chooser with the keyboard."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab_to(page, element_id)
    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=3000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError("The file chooser did not open from the keyboard")


def press_and_wait(page, key: str):
    with page.expect_navigation():
        page.keyboard.press(key)


def _metrics(dept):
    area = AreaOfFocusFactory(plan=PlanFactory(department=dept, status="approved", with_area=False))
    wait = MetricFactory(
        department=dept, area_of_focus=area, name="Average wait time", code="fleet-wait"
    )
    fcr = MetricFactory(
        department=dept,
        area_of_focus=area,
        name="First-contact resolution",
        code="fleet-fcr",
        unit="percent",
        direction="higher",
        frequency="monthly",
        baseline_value=70,
        target_value=80,
        amber_band=5,
    )
    return wait, fcr


def test_analyst_enters_a_quarter_and_imports_a_csv_keyboard_only(
    page, login_as, analyst_fleet, dept_fleet, assert_accessible, tmp_path
):
    wait, fcr = _metrics(dept_fleet)
    last = fiscal.last_completed_quarter()
    earlier = last.previous()
    add_value(wait, earlier.previous().start, 29)
    login_as(page, analyst_fleet)

    # The grid: a quarter of every metric, saved at once.
    page.goto(f"/metrics/departments/fleet/values/?quarter={earlier.code}")
    assert_accessible(page, "metrics-grid-1280")
    months = earlier.months()
    tab_to(page, f"id_v_{wait.pk}_{earlier.start:%Y%m}")
    page.keyboard.type("26")
    for month, value in zip(months, ("71", "74", "77"), strict=True):
        tab_to(page, f"id_v_{fcr.pk}_{month.start:%Y%m}")
        page.keyboard.type(value)
    tab_to_button(page, f"Save {earlier.label} values")
    press_and_wait(page, "Enter")
    assert page.get_by_text(f"Saved 4 values for {earlier.label}").is_visible()
    assert_accessible(page)

    # A CSV with one bad line: the line is named and nothing is imported.
    bad = tmp_path / "values.csv"
    bad.write_text(
        "metric,period,value,note\n"
        f"fleet-wait,{last.label},21,\n"
        f"fleet-fcr,{last.months()[0].code},eighty,\n"
        f"fleet-fcr,{last.months()[1].code},81,\n"
    )
    page.goto("/metrics/values/import/")
    assert_accessible(page, "metrics-import-1280")
    choose_file_with_keyboard(page, "id_file", bad)
    tab_to_button(page, "Check the file")
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", name="Nothing was imported").is_visible()
    assert page.get_by_text("Line 3: Value “eighty” is not a number.").is_visible()
    assert_accessible(page, "metrics-import-error-1280")

    # Fixed, checked, imported.
    good = tmp_path / "fixed.csv"
    good.write_text(bad.read_text().replace("eighty", "80"))
    choose_file_with_keyboard(page, "id_file", good)
    tab_to_button(page, "Check the file")
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", name="Ready to import 3 values").is_visible()
    assert_accessible(page, "metrics-import-preview-1280")
    page.keyboard.press("Shift+Tab")  # start from the top of the page again
    tab_to_button(page, "Import 3 values")
    press_and_wait(page, "Enter")
    assert page.get_by_text("Imported 3 values (3 new, 0 updated).").is_visible()

    # The metric page shows the new values and the chart.
    page.goto(f"/metrics/{wait.pk}/")
    table = page.get_by_role("table", name=f"Values of {wait.name} by period")
    assert table.get_by_role("rowheader", name=last.label).is_visible()
    assert table.get_by_role("rowheader", name=earlier.label).is_visible()
    assert "21 minutes" in table.inner_text() and "26 minutes" in table.inner_text()
    chart = page.get_by_role("img", name=f"Trend chart of {wait.name}")
    chart.wait_for()
    assert page.evaluate("document.querySelector('img.metric-chart').naturalWidth") > 0
    assert_accessible(page, "metrics-detail-1280")


@pytest.mark.parametrize("width", [1280, 375])
def test_metrics_pages_read_well(
    page, login_as, width, analyst_fleet, cso_fleet, dept_fleet, assert_accessible
):
    wait, fcr = _metrics(dept_fleet)
    last = fiscal.last_completed_quarter()
    q = last
    for value in (40, 30, 24, 19):
        add_value(wait, q.start, value)
        q = q.previous()
    for i, month in enumerate(last.months()):
        add_value(fcr, month.start, 72 + i * 4)
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last, analyst=analyst_fleet)
    CommitmentFactory(
        meeting=PhillyStatMeetingFactory(department=dept_fleet, period=last.previous())
    )
    page.set_viewport_size({"width": width, "height": 900})
    pages = {
        "analyst": [
            ("list", "/metrics/"),
            ("detail", f"/metrics/{wait.pk}/"),
            ("grid", "/metrics/departments/fleet/values/"),
            ("value", f"/metrics/{wait.pk}/values/new/"),
            ("edit", f"/metrics/{wait.pk}/edit/"),
            ("meetings", "/metrics/meetings/"),
            ("meeting", f"/metrics/meetings/{meeting.pk}/"),
            ("schedule", "/metrics/departments/fleet/meetings/schedule/"),
            ("memo", f"/metrics/meetings/{meeting.pk}/memo/"),
            ("library", "/metrics/library/"),
            ("department", "/departments/fleet/"),
        ],
        "cso": [
            ("narrative", f"/metrics/meetings/{meeting.pk}/narrative/"),
            ("propose", "/metrics/departments/fleet/new/"),
        ],
    }
    for who, user in (("analyst", analyst_fleet), ("cso", cso_fleet)):
        page.context.clear_cookies()
        login_as(page, user)
        for name, url in pages[who]:
            response = page.goto(url)
            assert response.status == 200, url
            assert page.get_by_role("heading", level=1).is_visible()
            assert_accessible(page, f"metrics-{name}-{width}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{url} is {scroll_width}px wide at {width}px"
    assert not page.console_errors, page.console_errors
    screenshot(page, f"metrics-last-{width}-viewport", full_page=False)


def test_analyst_closes_a_carried_commitment_in_place_with_the_keyboard(
    page, login_as, analyst_fleet, dept_fleet, assert_accessible
):
    last = fiscal.last_completed_quarter()
    CommitmentFactory(
        meeting=PhillyStatMeetingFactory(department=dept_fleet, period=last.previous()),
        what="Publish the queue dashboard",
    )
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last)
    login_as(page, analyst_fleet)
    page.goto(f"/metrics/meetings/{meeting.pk}/")
    tab_to_button(page, "Mark done")
    page.keyboard.press("Enter")  # htmx swaps the row; no page load
    row = page.get_by_role("row", name="Publish the queue dashboard")
    row.get_by_text("Done").wait_for()
    assert page.url.endswith(f"/metrics/meetings/{meeting.pk}/")
    assert_accessible(page, "metrics-commitment-closed-1280")
