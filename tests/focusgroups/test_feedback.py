import uuid
from unittest import mock

import pytest
from django.urls import reverse

from focusgroups import services
from focusgroups.models import FeedbackItem, Theme
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def session(dept_fleet):
    return SessionFactory(department=dept_fleet, audience="external")


def add(client, session, **data):
    return client.post(
        reverse("focusgroups:feedback_add", kwargs={"pk": session.pk}), data, headers=HTMX
    )


def test_cso_adds_feedback_in_the_background_and_gets_the_saved_item_not_a_new_form(
    client, cso_fleet, session, themes
):
    client.force_login(cso_fleet)
    response = add(
        client,
        session,
        text="  Nobody called back about my towed car.  ",
        sentiment="negative",
        customer_type="external",
        themes=[themes["Communication"].pk, themes["Wait times"].pk],
        possible_solution="Text message when the car is released",
        shared_with_csos="on",
        client_token=str(uuid.uuid4()),
    )
    assert response.status_code == 200
    item = FeedbackItem.objects.get()
    assert item.text == "Nobody called back about my towed car."
    assert set(item.themes.values_list("name", flat=True)) == {"Communication", "Wait times"}
    assert item.shared_with_csos and item.department_id == session.department_id
    assert item.created_by == cso_fleet
    html = response.content.decode()
    assert f'id="feedback-{item.pk}"' in html and ">Saved</span>" in html
    # The form being typed in is never sent back to replace it.
    assert 'name="text"' not in html and "feedback-entry" not in html
    assert ">1</span>" in html  # the count


def test_a_submission_sent_again_with_its_token_is_saved_once(client, cso_fleet, session, themes):
    client.force_login(cso_fleet)
    token = str(uuid.uuid4())
    data = {
        "text": "The form timed out twice.",
        "sentiment": "negative",
        "customer_type": "external",
        "themes": [themes["Online services"].pk],
        "client_token": token,
    }
    first = add(client, session, **data)
    again = add(client, session, **data)
    item = FeedbackItem.objects.get()
    assert first.status_code == again.status_code == 200
    assert f'id="feedback-{item.pk}"' in again.content.decode()
    assert str(item.client_token) == token
    assert [t.name for t in item.themes.all()] == ["Online services"]
    # Another submission (another token) is another item; no token, as before.
    add(client, session, **(data | {"client_token": str(uuid.uuid4())}))
    add(client, session, **(data | {"client_token": ""}))
    assert FeedbackItem.objects.count() == 3
    # The same token in another session is that session's own submission.
    other = SessionFactory(department=session.department, audience="external")
    assert add(client, other, **data).status_code == 200
    assert FeedbackItem.objects.filter(session=other).count() == 1


def test_the_same_token_racing_in_two_requests_saves_once(cso_fleet, session):
    token = uuid.uuid4()
    first = services.feedback_create(
        session=session,
        created_by=cso_fleet,
        text="Queue at the window",
        sentiment="negative",
        customer_type="external",
        client_token=token,
    )
    # The second request did not see the first one's row before inserting: the
    # unique constraint refuses it, and it answers with the row saved first.
    with mock.patch.object(
        FeedbackItem.objects,
        "filter",
        side_effect=[FeedbackItem.objects.none(), FeedbackItem.objects.filter(pk=first.pk)],
    ):
        second = services.feedback_create(
            session=session,
            created_by=cso_fleet,
            text="Queue at the window",
            sentiment="negative",
            customer_type="external",
            client_token=token,
        )
    assert second.pk == first.pk
    assert FeedbackItem.objects.count() == 1


@pytest.mark.parametrize("text", ["", "   ", "\t\n "])
def test_empty_or_whitespace_feedback_is_refused_with_the_reason_and_nothing_saved(
    client, cso_fleet, session, themes, text
):
    client.force_login(cso_fleet)
    response = add(
        client,
        session,
        text=text,
        sentiment="positive",
        customer_type="external",
        themes=[themes["Communication"].pk],
        possible_solution="Keep the other fields",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert not FeedbackItem.objects.exists()
    assert "Write what the customer said." in html
    assert "is-invalid" in html
    # The script reads the reasons; nothing else is lost.
    assert 'value="Keep the other fields"' in html
    assert f'value="{themes["Communication"].pk}" id="id_themes_' in html
    assert "feedback-item" not in html


def test_without_the_script_the_page_posts_and_shows_errors_next_to_the_field(
    client, cso_fleet, session
):
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_add", kwargs={"pk": session.pk})
    response = client.post(url, {"text": " ", "sentiment": "", "customer_type": "external"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write what the customer said." in html and "Choose the sentiment." in html
    response = client.post(
        url, {"text": "Fine", "sentiment": "positive", "customer_type": "external"}
    )
    assert response.status_code == 302 and FeedbackItem.objects.get().text == "Fine"


def test_the_entry_form_carries_the_words_the_script_shows_for_missing_fields(
    client, cso_fleet, session
):
    client.force_login(cso_fleet)
    html = client.get(session.get_absolute_url()).content.decode()
    assert 'data-fg-missing="Write what the customer said."' in html
    assert 'data-fg-missing="Choose the sentiment."' in html
    assert f'data-fg-entry="{session.pk}"' in html
    assert "data-hx-post" not in html.split('id="feedback-entry"')[1].split("</form>")[0]


def test_feedback_defaults_to_the_sessions_audience(client, cso_fleet, dept_fleet):
    internal = SessionFactory(department=dept_fleet, audience="internal")
    client.force_login(cso_fleet)
    html = client.get(internal.get_absolute_url()).content.decode()
    assert '<option value="internal" selected>' in html


def test_feedback_cannot_be_added_to_a_planned_session(client, cso_fleet, dept_fleet):
    planned = SessionFactory(department=dept_fleet, status="planned")
    client.force_login(cso_fleet)
    response = add(client, planned, text="x", sentiment="positive", customer_type="external")
    assert response.status_code == 403
    assert not FeedbackItem.objects.exists()


def test_a_theme_proposed_by_another_department_cannot_be_used(
    client, cso_fleet, session, dept_streets
):
    other = ThemeFactory(name="Potholes", status=Theme.Status.PROPOSED, proposed_for=dept_streets)
    client.force_login(cso_fleet)
    add(
        client,
        session,
        text="Trucks hit potholes",
        sentiment="negative",
        customer_type="external",
        themes=[other.pk],
    )
    assert not FeedbackItem.objects.exists()


def test_cso_edits_feedback_in_place(client, cso_fleet, session, themes):
    item = FeedbackFactory(session=session, text="Old words", themes=[themes["Wait times"]])
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_edit", kwargs={"pk": item.pk})
    form = client.get(url, headers=HTMX).content.decode()
    assert 'value="Old words"' in form and "Save feedback" in form
    prefix = f"item-{item.pk}-"
    response = client.post(
        url,
        {
            prefix + "text": "New words",
            prefix + "sentiment": "positive",
            prefix + "customer_type": "internal",
            prefix + "themes": [themes["Staff courtesy"].pk],
        },
        headers=HTMX,
    )
    item.refresh_from_db()
    assert (item.text, item.sentiment, item.customer_type) == ("New words", "positive", "internal")
    assert list(item.themes.values_list("name", flat=True)) == ["Staff courtesy"]
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="feedback-item card mb-2" id="feedback-{item.pk}">')
    assert "New words" in html


def test_editing_to_blank_text_keeps_the_item(client, cso_fleet, session):
    item = FeedbackFactory(session=session, text="Keep me")
    client.force_login(cso_fleet)
    prefix = f"item-{item.pk}-"
    response = client.post(
        reverse("focusgroups:feedback_edit", kwargs={"pk": item.pk}),
        {
            prefix + "text": "  ",
            prefix + "sentiment": "positive",
            prefix + "customer_type": "external",
        },
        headers=HTMX,
    )
    item.refresh_from_db()
    assert item.text == "Keep me"
    assert "Write what the customer said." in response.content.decode()


def test_cso_removes_feedback_in_place(client, cso_fleet, session):
    keep, gone = FeedbackFactory.create_batch(2, session=session)
    client.force_login(cso_fleet)
    response = client.post(
        reverse("focusgroups:feedback_delete", kwargs={"pk": gone.pk}), headers=HTMX
    )
    assert response.status_code == 200
    assert list(FeedbackItem.objects.all()) == [keep]
    assert "Feedback removed." in response.content.decode()


def test_head_reads_the_session_but_gets_no_entry_form(client, head_fleet, session):
    FeedbackFactory(session=session, text="Heard by the head")
    client.force_login(head_fleet)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Heard by the head" in html
    assert "Add feedback" not in html and "Remove" not in html
