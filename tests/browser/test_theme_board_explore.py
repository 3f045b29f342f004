"""The theme board to explore, in Chromium: a CSO filters by department and
searches, follows a theme to all its readable feedback and pages through it;
axe finds nothing on the board, the drill-down and the filters at 1280 and 375 px."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def board_world(transactional_db, dept_fleet, dept_streets):
    wait = ThemeFactory(name="Wait times")
    courtesy = ThemeFactory(name="Staff courtesy")
    streets = SessionFactory(department=dept_streets, audience="external")
    for i in range(30):
        FeedbackFactory(
            session=streets,
            text=f"Streets shared item {i:02d}: the permit took weeks",
            themes=[wait],
            shared_with_csos=True,
            possible_solution="An online permit tracker" if i == 0 else "",
        )
    FeedbackFactory(session=streets, text="UNSHARED streets words", themes=[wait])
    fleet = SessionFactory(department=dept_fleet, audience="internal")
    FeedbackFactory(
        session=fleet,
        text="Fleet: mechanics were kind",
        sentiment="positive",
        customer_type="internal",
        themes=[courtesy],
    )
    return wait


@pytest.mark.parametrize("width", [1280, 375])
def test_a_cso_filters_searches_and_drills_down(
    page, login_as, cso_fleet, dept_streets, board_world, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, cso_fleet)
    page.goto("/focus-groups/board/")
    assert page.locator("svg.board-chart").count() == 2
    assert_accessible(page, f"board-explore-cso-{width}")

    # Filter by department: only Streets' theme is left.
    page.get_by_label("Department", exact=True).select_option(label=dept_streets.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("heading", name="Wait times").is_visible()
    assert page.get_by_role("heading", name="Staff courtesy").count() == 0

    # Search over feedback and possible solutions.
    page.get_by_label("Search feedback and possible solutions").fill("tracker")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "q=tracker" in page.url
    assert page.get_by_text("An online permit tracker").is_visible()
    assert "UNSHARED" not in page.content()
    assert_accessible(page, f"board-explore-search-{width}")

    # Drill down from the theme (the filters follow) and page through it.
    page.get_by_label("Search feedback and possible solutions").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("All feedback about Wait times")).click()
    assert page.get_by_role("heading", name="Wait times", level=1).is_visible()
    assert page.get_by_text("30 feedback items").is_visible()
    assert page.locator("ol.board-items > li").count() == 25
    assert "UNSHARED" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"board-drill-down-cso-{width}")
    with page.expect_navigation():
        page.get_by_role("link", name="Next").click()
    assert page.locator("ol.board-items > li").count() == 5
    assert "department=" in page.url and "page=2" in page.url
    screenshot(page, f"board-drill-down-page-2-{width}")


def test_the_ccso_reads_unshared_words_in_the_drill_down(
    page, login_as, ccso, board_world, assert_accessible
):
    login_as(page, ccso)
    page.goto(f"/focus-groups/board/themes/{board_world.pk}/?q=unshared")
    assert page.get_by_text("UNSHARED streets words").is_visible()
    assert_accessible(page, "board-drill-down-ccso-1280")
