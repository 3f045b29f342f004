"""Layouts that fit (issue 17): the navigation stays on one line at 1280 px for
every role, and the program review becomes stacked cards at 320 px with
nothing wider than the screen. Screenshots go to test-artifacts/layout-*."""

import pytest

from departments.models import DepartmentRole
from departments.roles import CCSO_GROUP, MDO_GROUP
from tests.browser.conftest import screenshot
from tests.csoprogram.factories import full_department
from tests.departments.factories import DepartmentFactory, UserFactory, assign

pytestmark = pytest.mark.browser

PERSONAS = ["cso_fleet", "head_fleet", "analyst_fleet", "ccso", "md_office"]


def nav_rows(page) -> set[int]:
    """The distinct vertical centres of the top-level navigation items."""
    tops = page.eval_on_selector_all(
        "#main-nav > ul > li",
        "items => items.map(li => { const r = li.getBoundingClientRect();"
        " return Math.round(r.top + r.height / 2); })",
    )
    return set(tops)


@pytest.mark.parametrize("persona", PERSONAS)
def test_navigation_fits_one_line_at_1280_for_every_role(page, login_as, request, persona):
    user = request.getfixturevalue(persona)
    login_as(page, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/inbox/")
    screenshot(page, f"layout-nav-1280-{persona}", full_page=False)
    rows = nav_rows(page)
    # Both lists of the bar (the menu and the person's links) share one line.
    assert max(rows) - min(rows) <= 8, f"navigation wraps for {persona}: rows at {sorted(rows)}"
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 80
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_a_person_with_every_role_still_fits_on_one_line(page, login_as, dept_fleet):
    user = UserFactory(username="everyone", first_name="Alexandra", groups=[CCSO_GROUP, MDO_GROUP])
    for role in (DepartmentRole.CSO, DepartmentRole.HEAD, DepartmentRole.ANALYST):
        assign(user, dept_fleet, role)
    login_as(page, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/inbox/")
    screenshot(page, "layout-nav-1280-every-role", full_page=False)
    rows = nav_rows(page)
    assert max(rows) - min(rows) <= 8, f"navigation wraps: rows at {sorted(rows)}"


def test_navigation_menus_open_from_the_keyboard(page, login_as, md_office):
    login_as(page, md_office)
    page.goto("/inbox/")
    toggle = page.get_by_role("button", name="Program")
    toggle.focus()
    page.keyboard.press("Enter")
    menu = page.locator("#main-nav .dropdown-menu.show")
    assert menu.is_visible()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.className")
    assert "dropdown-item" in focused
    page.keyboard.press("Escape")
    assert page.locator("#main-nav .dropdown-menu.show").count() == 0


@pytest.mark.parametrize("persona", ["ccso", "md_office"])  # the roles that have the review
def test_program_review_is_stacked_cards_at_320_with_nothing_wider_than_the_screen(
    page, login_as, request, persona, transactional_db
):
    for name, slug in (("Office of Fleet Management", "fleet"), ("Streets Department", "streets")):
        full_department(DepartmentFactory(name=name, short_name=name, slug=slug))
    login_as(page, request.getfixturevalue(persona))
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/program/review/")
    table = page.locator("table.table-stack").first
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    # No inner scrolling: the wrapper shows all of the table.
    wrapper_overflows = page.evaluate(
        "() => { const t = document.querySelector('table.table-stack');"
        " const w = t.parentElement; return w.scrollWidth > w.clientWidth + 1; }"
    )
    assert not wrapper_overflows
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Each cell says which column it is: the label is shown beside the value.
    cell = page.locator("table.table-stack tbody tr").first.locator("td").nth(1)
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Focus groups" in label
    assert cell.bounding_box()["width"] <= 320
    screenshot(page, f"layout-review-320-{persona}")


def test_program_review_is_a_table_on_a_wide_screen(page, login_as, md_office, transactional_db):
    full_department(DepartmentFactory(name="Streets Department", slug="streets"))
    login_as(page, md_office)
    page.goto("/program/review/")
    header = page.locator("table.table-stack thead")
    assert header.is_visible()
    cells = page.locator("table.table-stack tbody tr").first.locator("td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert first["y"] == second["y"]  # side by side, one row per department
