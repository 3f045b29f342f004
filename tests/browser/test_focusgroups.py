"""Focus groups in a real browser, with the keyboard only: no clicks. Elements
are reached with Tab or given focus, then operated with typing, Tab, Space
and Enter. axe checks every page visited."""

import re

import pytest

from focusgroups.models import FeedbackItem, FocusGroupSession
from tests.browser.conftest import screenshot
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.browser

THEMES = ["Communication", "Online services", "Staff courtesy", "Wait times"]


@pytest.fixture
def themes(transactional_db):
    return {name: ThemeFactory(name=name) for name in THEMES}


def tab_to(page, selector: str, *, limit: int = 25) -> None:
    """Press Tab until the element matching selector has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def add_feedback(page, text, *, sentiment_key, themes=(), solution="", expect_count):
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # Sentiment
    page.keyboard.type(sentiment_key)
    for theme in themes:
        tab_to(page, f"#id_themes-options input[value='{theme.pk}']")
        page.keyboard.press("Space")
    tab_to(page, "#id_possible_solution")
    if solution:
        page.keyboard.type(solution)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#feedback-list > li').length === n", arg=expect_count
    )
    # The next item starts at once: focus is back in an empty Feedback field.
    page.wait_for_function("() => document.activeElement.id === 'id_text'")
    assert page.locator("#id_text").input_value() == ""


def test_cso_records_a_session_and_its_feedback_with_the_keyboard_only(
    page, login_as, cso_fleet, themes, assert_accessible
):
    login_as(page, cso_fleet)
    page.goto("/focus-groups/")
    assert_accessible(page, "fg-session-list-cso-1280")

    page.get_by_role("link", name="New focus group session").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/sessions/new/")
    assert_accessible(page, "fg-session-new-1280")
    # Date defaults to today and status to Held; choose External customers.
    page.get_by_label("Date").focus()
    tab_to(page, "#id_participants")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    tab_to(page, "input[name=audience]")
    # Arrow keys move within the radio group: Internal → External.
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("External customers", exact=True).is_checked()
    tab_to(page, "#id_location")
    page.keyboard.type("Fleet shop, 4301 Delaware Ave")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/focus-groups/sessions/\d+/$"))
    session = FocusGroupSession.objects.get()
    assert (session.audience, session.status, session.participants) == ("external", "held", 8)
    assert page.get_by_role("heading", level=1, name="Focus group session").is_visible()
    assert_accessible(page, "fg-session-empty-1280")

    # From defaults to the session's audience.
    assert page.get_by_label("From").input_value() == "external"

    page.locator("#id_text").focus()
    add_feedback(
        page,
        "My towed car sat at the lot for a week and nobody called.",
        sentiment_key="n",
        themes=[themes["Communication"], themes["Wait times"]],
        solution="Text the owner when the car can be picked up",
        expect_count=1,
    )
    # Empty text is refused next to the field; the ticked theme stays ticked.
    page.keyboard.press("Tab")
    page.keyboard.type("p")
    tab_to(page, f"#id_themes-options input[value='{themes['Staff courtesy'].pk}']")
    page.keyboard.press("Space")
    tab_to(page, "#id_possible_solution")
    page.keyboard.press("Enter")
    error = page.locator("#feedback-entry").get_by_text("Write what the customer said.")
    error.wait_for()
    assert page.locator(
        f"#id_themes-options input[value='{themes['Staff courtesy'].pk}']"
    ).is_checked()
    assert page.locator("#feedback-list > li").count() == 1
    assert_accessible(page, "fg-feedback-error-1280")
    page.locator("#id_text").focus()
    add_feedback(
        page,
        "The auction staff walked me through the title paperwork.",
        sentiment_key="p",
        expect_count=2,
    )
    add_feedback(
        page,
        "Invoices come back rejected with no reason given.",
        sentiment_key="n",
        themes=[themes["Communication"]],
        expect_count=3,
    )
    second = FeedbackItem.objects.get(text__startswith="The auction staff")
    assert second.sentiment == "positive"
    assert [t.name for t in second.themes.all()] == ["Staff courtesy"]

    # Edit one in place.
    page.get_by_role("link", name=re.compile("^Edit feedback: Invoices come back")).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id.endsWith('-text')")
    page.keyboard.press("Control+A")
    page.keyboard.type("Invoices come back rejected; nobody says which field is wrong.")
    assert_accessible(page, "fg-feedback-editing-1280")
    page.keyboard.press("Enter")
    page.get_by_text("nobody says which field is wrong").wait_for()
    page.wait_for_function("() => document.activeElement.textContent.startsWith('Edit')")

    # Remove one in place (the browser asks to confirm; Enter accepts).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Remove feedback: The auction staff")).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#feedback-list > li').length === 2")

    # The page and the database agree.
    on_page = [t.strip() for t in page.locator("#feedback-list .feedback-text").all_text_contents()]
    in_db = list(session.feedback_items.order_by("created_at").values_list("text", flat=True))
    assert (
        on_page
        == in_db
        == [
            "My towed car sat at the lot for a week and nobody called.",
            "Invoices come back rejected; nobody says which field is wrong.",
        ]
    )
    assert page.locator("#feedback-count").inner_text() == "2"
    first = session.feedback_items.get(text__startswith="My towed car")
    assert first.possible_solution == "Text the owner when the car can be picked up"
    assert {t.name for t in first.themes.all()} == {"Communication", "Wait times"}
    assert all(i.customer_type == "external" for i in session.feedback_items.all())
    assert_accessible(page, "fg-session-feedback-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert_accessible(page, "fg-session-feedback-375")


def _board_world(dept_fleet, dept_streets, themes):
    wait = themes["Wait times"]
    courtesy = themes["Staff courtesy"]
    streets = SessionFactory(department=dept_streets, audience="external")
    FeedbackFactory(
        session=streets,
        text="A pothole on Castor Ave took two months to fill.",
        themes=[wait],
        shared_with_csos=True,
        possible_solution="Publish the repair queue",
    )
    FeedbackFactory(session=streets, text="UNSHARED streets quote", themes=[wait])
    fleet = SessionFactory(department=dept_fleet, audience="internal")
    FeedbackFactory(
        session=fleet,
        text="The mechanics explain what broke and how to avoid it.",
        sentiment="positive",
        customer_type="internal",
        themes=[courtesy],
    )
    FeedbackFactory(
        session=fleet,
        text="Patrol cars wait two weeks for parts.",
        customer_type="internal",
        themes=[wait],
        possible_solution="Weekly status sheet per vehicle",
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_theme_board_reads_well_and_hides_unshared_quotes(
    page, login_as, width, cso_fleet, dept_streets, themes, assert_accessible
):
    _board_world(cso_fleet.assignments.get().department, dept_streets, themes)
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, cso_fleet)
    page.goto("/focus-groups/board/")
    assert page.get_by_text("A pothole on Castor Ave took two months to fill.").is_visible()
    assert "UNSHARED streets quote" not in page.content()
    assert_accessible(page, f"fg-theme-board-cso-{width}")
    # Filter with the keyboard: negative feedback only.
    page.get_by_label("Sentiment").focus()
    page.keyboard.type("n")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**sentiment=negative**")
    assert "The mechanics explain" not in page.content()
    assert_accessible(page, f"fg-theme-board-filtered-{width}")


@pytest.mark.parametrize("width", [1280, 375])
def test_ccso_pages_read_well(
    page, login_as, width, ccso, cso_fleet, dept_streets, themes, assert_accessible
):
    dept_fleet = cso_fleet.assignments.get().department
    _board_world(dept_fleet, dept_streets, themes)
    ThemeFactory(name="Parking", status="proposed", proposed_for=dept_fleet, proposed_by=cso_fleet)
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, ccso)
    page.goto("/focus-groups/board/")
    assert page.get_by_text("UNSHARED streets quote").is_visible()
    assert_accessible(page, f"fg-theme-board-ccso-{width}")
    page.goto("/focus-groups/themes/")
    assert_accessible(page, f"fg-themes-ccso-{width}")
    page.goto("/focus-groups/")
    assert_accessible(page, f"fg-session-list-ccso-{width}")
    page.goto("/departments/fleet/")
    assert page.get_by_text("Focus groups 1 of 5").is_visible()
    assert_accessible(page, f"fg-department-panel-ccso-{width}")
    screenshot(page, f"fg-department-panel-ccso-{width}")
