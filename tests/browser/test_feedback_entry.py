"""Feedback entry at typing speed in a real browser: items typed back to back
while the previous ones are still saving are all saved, once each, with their
own themes; a draft survives a reload; a lost connection or a lost answer
loses nothing and saves nothing twice."""

import time

import pytest

from focusgroups import services
from focusgroups.models import FeedbackItem
from tests.focusgroups.factories import SessionFactory, ThemeFactory

pytestmark = pytest.mark.browser

THEMES = ["Communication", "Online services", "Staff courtesy", "Wait times"]
SAVED = "#feedback-list li .feedback-state-saved"


@pytest.fixture
def themes(transactional_db):
    return [ThemeFactory(name=name) for name in THEMES]


@pytest.fixture
def session(dept_fleet):
    return SessionFactory(department=dept_fleet, audience="external")


@pytest.fixture
def slow_saves(monkeypatch):
    """Each save takes 300 ms on the server, as on a busy day: the CSO types
    the next items while the first ones are still on their way."""
    create = services.feedback_create

    def slow(**kwargs):
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(services, "feedback_create", slow)


def type_item(page, text, *, sentiment, theme=None):
    page.locator("#id_text").fill(text)
    page.locator("#id_sentiment").select_option(sentiment)
    if theme is not None:
        page.locator(f"#id_themes-options input[value='{theme.pk}']").check()
    page.locator("#id_text").press("Enter")


def wait_saved(page, n):
    page.wait_for_function(
        f"(n) => document.querySelectorAll('{SAVED}').length === n", arg=n, timeout=30_000
    )


def test_items_typed_back_to_back_at_full_speed_are_all_saved_once_with_their_themes(
    page, login_as, cso_fleet, session, themes, slow_saves, assert_accessible
):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    typed = []
    for i in range(12):
        text = f"Item {i + 1}: the counter line was out the door again"
        theme = themes[i % len(themes)]
        type_item(page, text, sentiment="negative" if i % 2 else "positive", theme=theme)
        typed.append((text, theme.name, "negative" if i % 2 else "positive"))
        # No wait: the form is empty and has the focus for the next item at once.
        assert page.locator("#id_text").input_value() == ""
        assert not page.locator("#id_themes-options input:checked").count()
    # Every item shows in the list at once, saving, then saved.
    assert page.locator("#feedback-list > li").count() == 12
    wait_saved(page, 12)
    assert page.locator("#feedback-list li.feedback-pending").count() == 0
    assert page.locator("#feedback-count").inner_text() == "12"
    saved = [
        (i.text, [t.name for t in i.themes.all()], i.sentiment)
        for i in FeedbackItem.objects.filter(session=session).order_by("created_at", "pk")
    ]
    assert saved == [(text, [theme], sentiment) for text, theme, sentiment in typed]
    on_page = [t.strip() for t in page.locator("#feedback-list .feedback-text").all_text_contents()]
    assert on_page == [text for text, _, _ in typed]
    assert_accessible(page, "fg-feedback-rapid-1280")
    # Nothing is left queued on the device.
    assert page.evaluate(f"() => localStorage.getItem('fg-feedback-queue-{session.pk}')") is None


def test_a_draft_survives_a_reload_until_it_is_saved(
    page, login_as, cso_fleet, session, themes, assert_accessible
):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    page.locator("#id_text").fill("Half typed when the laptop went to sleep")
    page.locator("#id_sentiment").select_option("suggestion")
    page.locator(f"#id_themes-options input[value='{themes[1].pk}']").check()
    page.reload()
    assert page.locator("#id_text").input_value() == "Half typed when the laptop went to sleep"
    assert page.locator("#id_sentiment").input_value() == "suggestion"
    assert page.locator(f"#id_themes-options input[value='{themes[1].pk}']").is_checked()
    assert page.locator("#feedback-draft-note").is_visible()
    assert_accessible(page, "fg-feedback-draft-restored-1280")
    page.locator("#id_text").press("Enter")
    wait_saved(page, 1)
    page.reload()
    assert page.locator("#id_text").input_value() == ""
    item = FeedbackItem.objects.get()
    assert (item.text, item.sentiment) == ("Half typed when the laptop went to sleep", "suggestion")
    assert [t.name for t in item.themes.all()] == ["Online services"]


def test_a_lost_connection_keeps_the_item_and_saves_it_once_when_back(
    page, login_as, cso_fleet, session, themes, assert_accessible
):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    page.context.set_offline(True)
    type_item(page, "Typed in the basement with no signal", sentiment="negative", theme=themes[3])
    pending = page.locator("#feedback-list li.feedback-pending")
    pending.get_by_text("Not saved yet").wait_for()
    # The queued item shows its own sentiment and theme.
    assert pending.locator(".fg-pending-summary").inner_text() == "Negative · Themes: Wait times"
    assert not FeedbackItem.objects.exists()
    assert_accessible(page, "fg-feedback-offline-1280")
    page.context.set_offline(False)
    wait_saved(page, 1)
    item = FeedbackItem.objects.get()
    assert [t.name for t in item.themes.all()] == ["Wait times"]


def test_an_answer_lost_on_the_way_back_does_not_save_the_item_twice(
    page, login_as, cso_fleet, session, themes
):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    lost = []

    def lose_first_answer(route):
        if not lost:
            route.fetch()  # the server saves the item…
            lost.append(True)
            route.abort()  # …and its answer never arrives
        else:
            route.continue_()

    page.route("**/feedback/", lose_first_answer)
    type_item(page, "The answer to this one got lost", sentiment="negative", theme=themes[0])
    wait_saved(page, 1)
    assert lost and FeedbackItem.objects.count() == 1
    assert page.locator("#feedback-list > li").count() == 1


def test_a_refused_item_says_why_and_goes_back_in_the_form(page, login_as, cso_fleet, session):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    # A missing sentiment is named next to the field before anything is sent.
    page.locator("#id_text").fill("No sentiment chosen")
    page.locator("#id_text").press("Enter")
    page.locator("#feedback-entry").get_by_text("Choose the sentiment.").wait_for()
    assert page.locator("#feedback-list > li").count() == 0
    assert page.locator("#id_text").input_value() == "No sentiment chosen"
    # The server refuses what the browser cannot know (the session is no
    # longer held): the item says so and can be put back in the form.
    session.status = "planned"
    session.save(update_fields=["status"])
    page.locator("#id_sentiment").select_option("positive")
    page.locator("#id_text").press("Enter")
    page.locator("#feedback-list li.feedback-failed").get_by_text("Not saved").wait_for()
    page.get_by_role("button", name="Put back in the form").click()
    assert page.locator("#id_text").input_value() == "No sentiment chosen"
    assert page.locator("#feedback-list > li").count() == 0
    assert not FeedbackItem.objects.exists()


def test_logging_out_takes_the_draft_off_a_shared_computer(page, login_as, cso_fleet, session):
    login_as(page, cso_fleet)
    page.goto(session.get_absolute_url())
    page.locator("#id_text").fill("A resident's name and complaint")
    key = f"fg-feedback-draft-{session.pk}"
    assert page.evaluate(f"() => localStorage.getItem('{key}')") is not None
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/log**")
    assert page.evaluate(f"() => localStorage.getItem('{key}')") is None
