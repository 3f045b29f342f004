"""Password reset by e-mail (throttled, never telling whether an address is
known) and API tokens from the profile page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token as AdminIssuedToken
from rest_framework.test import APIClient

from departments.accounts.models import ApiToken

NEW_PASSWORD = "a-long-new-password-42"
RESET = "/accounts/password/reset/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_reset_sends_a_link_that_sets_a_new_password(client, cso_fleet):
    response = client.post(RESET, {"email": cso_fleet.email.upper()})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Reset your CSO Program password"
    link = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    cso_fleet.refresh_from_db()
    assert cso_fleet.check_password(NEW_PASSWORD)
    # The link works once.
    assert "cannot be used" in client.get(path, follow=True).content.decode()


def test_reset_answers_the_same_for_an_unknown_address_and_sends_nothing(client, cso_fleet):
    known = client.post(RESET, {"email": cso_fleet.email})
    unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert [m.to for m in mail.outbox] == [[cso_fleet.email]]


def test_people_who_sign_in_with_sso_only_get_no_reset_email(client, cso_fleet):
    cso_fleet.sso_only = True
    cso_fleet.set_unusable_password()
    cso_fleet.save()
    assert client.post(RESET, {"email": cso_fleet.email}).status_code == 302
    assert mail.outbox == []


def test_reset_requests_for_one_address_are_throttled_silently(client, cso_fleet, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    answers = {client.post(RESET, {"email": cso_fleet.email}).url for _ in range(5)}
    assert answers == {reverse("accounts:password_reset_done")}
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_network_address_are_throttled_with_a_message(
    client, cso_fleet, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    for n in range(2):
        client.post(RESET, {"email": f"someone{n}@example.org"})
    response = client.post(RESET, {"email": cso_fleet.email})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mail.outbox == []


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_token_is_created_with_a_name_shown_once_and_works(client, analyst_fleet):
    client.force_login(analyst_fleet)
    response = client.post(reverse("accounts:token_create"), {"name": "Quarterly upload"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    assert response.headers["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=analyst_fleet)
    assert token.name == "Quarterly upload" and token.key_hash != key
    assert key not in client.get(reverse("profile")).content.decode()
    assert _api(key).get("/api/departments/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Quarterly upload" in client.get(reverse("profile")).content.decode()


def test_last_use_is_written_at_most_once_a_minute(analyst_fleet, django_assert_num_queries):
    from departments.accounts.services import api_token_create

    token, key = api_token_create(user=analyst_fleet, name="Poller")
    api = _api(key)
    api.get("/api/departments/")
    token.refresh_from_db()
    first = token.last_used_at
    api.get("/api/departments/")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/api/departments/")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)
    assert token.last_used_at <= timezone.now()


def test_a_token_name_must_be_given_and_unique(client, analyst_fleet):
    client.force_login(analyst_fleet)
    empty = client.post(reverse("accounts:token_create"), {"name": "  "})
    assert empty.context["form"].errors["name"]
    client.post(reverse("accounts:token_create"), {"name": "Upload"})
    again = client.post(reverse("accounts:token_create"), {"name": "upload"})
    assert "already have a token named" in again.context["form"].errors["name"][0]


def test_revoked_token_stops_working_and_others_tokens_cannot_be_revoked(
    client, analyst_fleet, analyst_streets
):
    from departments.accounts.services import api_token_create

    token, key = api_token_create(user=analyst_fleet, name="Upload")
    client.force_login(analyst_streets)
    url = reverse("accounts:token_revoke", kwargs={"pk": token.pk})
    assert client.post(url).status_code == 404
    assert _api(key).get("/api/departments/").status_code == 200
    client.force_login(analyst_fleet)
    assert client.post(url).url == reverse("profile")
    assert _api(key).get("/api/departments/").json()["detail"] == "Invalid token."


def test_tokens_issued_in_the_admin_still_work(analyst_fleet):
    legacy = AdminIssuedToken.objects.create(user=analyst_fleet)
    assert _api(legacy.key).get("/api/departments/").status_code == 200


def test_a_person_set_to_sso_only_can_no_longer_log_in_with_a_password(client, ccso, cso_fleet):
    from tests.departments.factories import TEST_PASSWORD

    client.force_login(ccso)
    client.post(
        reverse("roster:person_edit", kwargs={"pk": cso_fleet.pk}),
        {
            "first_name": cso_fleet.first_name,
            "last_name": cso_fleet.last_name,
            "email": cso_fleet.email,
            "sso_only": "on",
        },
    )
    client.logout()
    cso_fleet.refresh_from_db()
    assert cso_fleet.sso_only and not cso_fleet.has_usable_password()
    response = client.post(reverse("login"), {"username": "cso_fleet", "password": TEST_PASSWORD})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    # A password set later in the admin still does not open the form.
    cso_fleet.set_password(TEST_PASSWORD)
    cso_fleet.save()
    response = client.post(reverse("login"), {"username": "cso_fleet", "password": TEST_PASSWORD})
    assert "You sign in with single sign-on" in response.content.decode()
