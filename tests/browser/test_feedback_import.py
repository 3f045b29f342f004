"""Bulk feedback import in a real browser: paste rows, see the line-by-line
errors, correct them, preview, import; the items are on the session page.
axe checks the page in each state."""

import io

import pytest
from openpyxl import Workbook

from focusgroups.models import FeedbackItem, Theme
from tests.focusgroups.factories import SessionFactory, ThemeFactory

pytestmark = pytest.mark.browser

BAD = (
    "feedback,sentiment,audience,themes,possible solution,shared\n"
    "The lot closes before my shift ends,negative,,Wait times,Open until 7 p.m.,yes\n"
    "Counter staff explained the fees,cheerful,,,,\n"
)
GOOD = (
    "feedback,sentiment,audience,themes,possible solution,shared\n"
    "The lot closes before my shift ends,negative,,Wait times,Open until 7 p.m.,yes\n"
    "Counter staff explained the fees,positive,,Staff courtesy;Fee clarity,,no\n"
)


@pytest.fixture
def session(dept_fleet):
    return SessionFactory(department=dept_fleet, audience="external")


@pytest.fixture
def themes(transactional_db):
    return [ThemeFactory(name=n) for n in ("Wait times", "Staff courtesy")]


def test_pasted_rows_preview_then_import_and_show_on_the_session(
    page, login_as, cso_fleet, session, themes, assert_accessible
):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Import feedback from a file or pasted rows").click()
    page.get_by_role("heading", level=1, name="Import feedback").wait_for()
    assert_accessible(page, "fg-import-empty-1280")

    page.get_by_label("Or paste rows").fill(BAD)
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_role("heading", name="Nothing was imported").wait_for()
    assert page.get_by_text("Line 3: Sentiment “cheerful” is not one of").is_visible()
    assert_accessible(page, "fg-import-errors-1280")

    page.get_by_label("Or paste rows").fill(GOOD)
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_role("heading", name="Ready to import 2 feedback items").wait_for()
    assert page.get_by_text("Fee clarity (new)").is_visible()
    assert not FeedbackItem.objects.exists()
    assert_accessible(page, "fg-import-preview-1280")

    page.get_by_role("button", name="Import 2 feedback items and propose 1 theme").click()
    page.wait_for_url(f"**{session.get_absolute_url()}")
    page.get_by_text("Imported 2 feedback items and proposed 1 theme.").wait_for()
    texts = [t.strip() for t in page.locator("#feedback-list .feedback-text").all_text_contents()]
    assert texts == ["The lot closes before my shift ends", "Counter staff explained the fees"]
    assert page.locator("#feedback-list").get_by_text("Fee clarity (proposed)").is_visible()
    assert page.locator("#feedback-count").inner_text() == "2"
    assert Theme.objects.get(name="Fee clarity").status == Theme.Status.PROPOSED
    assert_accessible(page, "fg-import-done-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/focus-groups/sessions/{session.pk}/feedback/import/")
    assert_accessible(page, "fg-import-375")


def test_an_xlsx_file_imports(page, login_as, cso_fleet, session, themes, tmp_path):
    workbook = Workbook()
    for row in [
        ["Feedback", "Sentiment", "Themes"],
        ["Parts take two weeks to arrive", "negative", "Wait times"],
    ]:
        workbook.active.append(row)
    path = tmp_path / "notes.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    login_as(page, cso_fleet)
    page.goto(f"/focus-groups/sessions/{session.pk}/feedback/import/")
    page.get_by_label("CSV or XLSX file").set_input_files(str(path))
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_role("button", name="Import 1 feedback item").click()
    page.wait_for_url(f"**{session.get_absolute_url()}")
    item = FeedbackItem.objects.get()
    assert item.text == "Parts take two weeks to arrive"
    assert [t.name for t in item.themes.all()] == ["Wait times"]
