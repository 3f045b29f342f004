"""The outcomes-session dashboard in a real browser: the MDO opens it, enters
presentation mode, moves through three departments with the arrow keys and
leaves with Esc. axe checks every page at 1280 and 375 px."""

import datetime
import re

import pytest

from tests.browser.conftest import screenshot
from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.departments.factories import DepartmentFactory

pytestmark = pytest.mark.browser

NAMES = [
    ("Office of Fleet Management", "fleet"),
    ("Streets Department", "streets"),
    ("Department of Records", "records"),
    ("Philadelphia Water Department", "water"),
]


@pytest.fixture
def program(transactional_db):
    departments = [
        full_department(DepartmentFactory(name=n, short_name=n, slug=s), red=i == 1)
        for i, (n, s) in enumerate(NAMES)
    ]
    # The agenda order is not alphabetical: Water presents first.
    ProgramMeetingFactory(
        date=datetime.date.today() + datetime.timedelta(days=10),
        agenda=[departments[3], *departments[:3]],
    )
    return departments


def current_slide_title(page) -> str:
    return page.locator(
        "[data-slide]:not([hidden]) h1, [data-slide]:not([hidden]) h2"
    ).first.inner_text()


def test_mdo_presents_three_departments_with_the_arrow_keys_and_leaves_with_esc(
    page, login_as, md_office, program, assert_accessible
):
    login_as(page, md_office)
    page.goto("/program/outcomes/")
    assert page.locator("h1").inner_text() == "Outcomes session"
    assert page.locator("article.outcomes-card").count() == 4
    assert (
        "Philadelphia Water Department" in page.locator("article.outcomes-card").first.inner_text()
    )
    assert_accessible(page, "dashboard-outcomes-mdo-1280")

    page.get_by_role("link", name="Presentation mode").click()
    page.wait_for_url(re.compile(r"/program/outcomes/present/\?slide=1$"))
    assert "Outcomes session" in current_slide_title(page)
    assert page.locator("[data-slide]:not([hidden])").count() == 1
    assert_accessible(page, "dashboard-present-summary-1280")

    expected = ["Philadelphia Water Department", "Office of Fleet Management", "Streets Department"]
    for n, name in enumerate(expected, start=2):
        page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(rf"slide={n}$"))
        assert name in current_slide_title(page)
        assert page.locator("[data-slide]:not([hidden])").count() == 1
    assert_accessible(page, "dashboard-present-streets-1280")

    # The URL keeps the position: a reload shows the same department.
    page.reload()
    assert "Streets Department" in current_slide_title(page)
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"slide=3$"))
    # The on-screen buttons move too.
    page.get_by_role("button", name="Next →").click()
    page.wait_for_url(re.compile(r"slide=4$"))

    # Printing shows every slide, one department per page.
    page.emulate_media(media="print")
    assert page.locator("[data-slide]:visible").count() == 5
    assert page.locator(".deck-controls").is_hidden()
    page.emulate_media(media="screen")

    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/program/outcomes/(\?.*)?$"))
    assert page.locator("h1").inner_text() == "Outcomes session"


def test_dashboard_and_presentation_read_well_on_a_phone(
    page, login_as, md_office, program, assert_accessible
):
    page.set_viewport_size({"width": 375, "height": 812})
    login_as(page, md_office)
    page.goto("/program/outcomes/")
    assert_accessible(page, "dashboard-outcomes-mdo-375")
    page.goto("/program/outcomes/present/?slide=3")
    assert "Office of Fleet Management" in current_slide_title(page)
    assert_accessible(page, "dashboard-present-fleet-375")
    # Nothing wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_program_review_is_accessible_at_both_widths(
    page, login_as, ccso, program, assert_accessible
):
    login_as(page, ccso)
    page.goto("/program/review/")
    assert page.get_by_text("Streets Department").first.is_visible()
    assert_accessible(page, "dashboard-program-review-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/program/review/?flagged=on")
    assert_accessible(page, "dashboard-program-review-375")
    page.goto("/program/departments/fleet/freshness/")
    assert_accessible(page, "dashboard-freshness-375")


def test_cso_sees_only_their_card_in_the_browser(page, login_as, program, assert_accessible):
    from departments.models import DepartmentRole
    from tests.departments.factories import UserFactory, assign

    cso = assign(UserFactory(username="cso_water"), program[3], DepartmentRole.CSO)
    login_as(page, cso)
    page.goto("/program/outcomes/")
    cards = page.locator("article.outcomes-card")
    assert cards.count() == 1
    assert "Philadelphia Water Department" in cards.first.inner_text()
    screenshot(page, "dashboard-outcomes-cso-1280")


def test_meetings_publishing_and_the_public_page_are_accessible(
    page, login_as, ccso, program, assert_accessible
):
    from csoprogram import demo

    demo.seed({"ccso": ccso})
    login_as(page, ccso)
    page.goto("/program/meetings/")
    assert_accessible(page, "dashboard-meetings-1280")
    page.get_by_role("link", name="Program update: change management").click()
    page.get_by_role("heading", name="Action items").wait_for()
    assert_accessible(page, "dashboard-program-update-1280")
    page.goto("/program/departments/fleet/public-page/")
    assert_accessible(page, "dashboard-publication-1280")
    page.context.clear_cookies()
    page.goto("/public/fleet/")
    assert page.locator("h1").inner_text() == "Office of Fleet Management"
    assert page.get_by_text("Mission statement").is_visible()
    assert_accessible(page, "dashboard-public-fleet-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    assert_accessible(page, "dashboard-public-fleet-375")


def test_presentation_loads_a_later_card_when_its_slide_is_reached(
    page, login_as, md_office, program, assert_accessible, monkeypatch
):
    # One card rendered with the page; the others come from the card URL.
    monkeypatch.setattr("csoprogram.outcomes.views.SLIDES_AT_ONCE", 1)
    login_as(page, md_office)
    page.goto("/program/outcomes/present/?slide=2")
    assert "Philadelphia Water Department" in current_slide_title(page)
    assert page.locator("[data-card-url]").count() == 2  # slide 3 was fetched ahead
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"slide=3$"))
    shown = page.locator("[data-slide]:not([hidden])")
    assert "Office of Fleet Management" in current_slide_title(page)
    shown.get_by_text("Mission statement.").wait_for()
    assert "Customer service metrics" in shown.inner_text()
    assert shown.get_attribute("aria-busy") is None
    assert_accessible(page, "dashboard-present-lazy-fleet-1280")


SLIDE_ONE_BOUNDS = """() => {
  const slide = document.querySelector('[data-slide]:not([hidden])');
  const cards = [...slide.querySelectorAll('.program-totals > div')];
  const spills = [];
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('dt, dd, span')) {
      const r = el.getBoundingClientRect();
      if (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5) {
        spills.push(el.textContent.trim());
      }
    }
  }
  const figure = parseFloat(getComputedStyle(slide.querySelector('.program-totals dd')).fontSize);
  const captions = [...slide.querySelectorAll('.program-totals dd.small')].map(
    (dd) => parseFloat(getComputedStyle(dd).fontSize));
  const last = cards[cards.length - 1].getBoundingClientRect();
  return {cards: cards.length, spills, figure, captions, totalsBottom: last.bottom,
          height: window.innerHeight};
}"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_slide_one_fits_the_projector_its_breakdowns_stay_captions(
    browser, live_server, login_as, md_office, program, size
):
    """Projected at the outcomes session: every figure and its breakdown stay
    inside their card, the breakdowns smaller than the figures, and the whole
    program summary on the first screen."""
    width, height = size
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login_as(page, md_office)
        page.goto("/program/outcomes/present/?slide=1")
        found = page.evaluate(SLIDE_ONE_BOUNDS)
        screenshot(page, f"slide-1-{width}x{height}", full_page=False)
    finally:
        context.close()
    assert found["cards"] >= 5
    assert found["spills"] == []
    assert found["captions"] and all(c < found["figure"] / 2 for c in found["captions"])
    assert found["totalsBottom"] <= found["height"]
