import pytest
from django.urls import reverse

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


def test_cso_adds_feedback_with_htmx_and_gets_a_fresh_form_and_the_new_item(
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
    )
    assert response.status_code == 200
    item = FeedbackItem.objects.get()
    assert item.text == "Nobody called back about my towed car."
    assert set(item.themes.values_list("name", flat=True)) == {"Communication", "Wait times"}
    assert item.shared_with_csos and item.department_id == session.department_id
    assert item.created_by == cso_fleet
    html = response.content.decode()
    assert 'data-hx-swap-oob="beforeend:#feedback-list"' in html
    assert f'id="feedback-{item.pk}"' in html
    # The fresh form is empty and keeps where the feedback came from and the sharing.
    assert 'name="text" value=' not in html
    assert 'id="id_shared_with_csos" checked' in html
    assert ">1</span>" in html  # the count, swapped out of band


@pytest.mark.parametrize("text", ["", "   ", "\t\n "])
def test_empty_or_whitespace_feedback_is_refused_next_to_the_field(
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
    assert response.status_code == 200
    assert not FeedbackItem.objects.exists()
    assert "Write what the customer said." in html
    assert "is-invalid" in html
    # Nothing else is lost, and no item is appended.
    assert 'value="Keep the other fields"' in html
    assert f'value="{themes["Communication"].pk}" id="id_themes_' in html
    assert "checked" in html
    assert "beforeend:#feedback-list" not in html


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
