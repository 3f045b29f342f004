"""Single sign-on, end to end: the app (pytest-django's live server) against a
real OpenID Connect provider (django-oidc-provider, tests/oidc_provider/) run
as its own process on 127.0.0.1, driven by a real HTTP client that follows
the redirects and posts the provider's log-in form. Authorization code flow
with PKCE. In CI the provider must start: the tests fail, never skip."""

import os
import re
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.conf import settings as django_settings
from django.core.cache import cache

from departments.models import User
from tests.conftest import require_service
from tests.departments.factories import UserFactory, assign

ROOT = Path(django_settings.BASE_DIR)
PORTS = range(18210, 18230)
PROVIDER_PASSWORD = "provider-password-1"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return 0


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The provider process; yields its issuer URL."""
    port = _free_port()
    require_service(bool(port), "A free port for the OpenID Connect provider (18210-18229)")
    folder = tmp_path_factory.mktemp("oidc-provider")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    redirect_uri = f"{live_server.url}/accounts/sso/callback/"
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.seed", redirect_uri],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    require_service(
        seeded.returncode == 0, f"the OpenID Connect provider's setup ({seeded.stderr[-800:]})"
    )
    log = open(folder / "provider.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}/openid"
    ready = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            ready = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok
        except requests.RequestException:
            ready = False
        if ready:
            break
        time.sleep(0.3)
    try:
        require_service(
            ready, f"the OpenID Connect provider on port {port} (log: {folder / 'provider.log'})"
        )
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def sso(settings, oidc_provider, transactional_db):
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_RP_CLIENT_ID = "cso-program"
    settings.OIDC_RP_CLIENT_SECRET = "cso-program-test-secret"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "departments.accounts.sso.SingleSignOnBackend",
    ]
    cache.clear()  # the discovery document of another run's provider
    return oidc_provider


def _form_field(html: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


def sign_in_with_sso(live_server, username: str) -> tuple[requests.Session, requests.Response, str]:
    """Start at the app's button, sign in at the provider, follow the redirects
    back. Returns the browser-like session, the last answer and the URL the app
    sent the browser to at the provider."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/accounts/sso/login/", timeout=20)
    authorize = next(
        r.headers["Location"]
        for r in login_page.history
        if "authorize" in r.headers.get("Location", "")
    )
    assert login_page.status_code == 200 and "City identity provider" in login_page.text
    answer = browser.post(
        login_page.url,
        {
            "csrfmiddlewaretoken": _form_field(login_page.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": PROVIDER_PASSWORD,
            "next": _form_field(login_page.text, "next"),
        },
        headers={"Referer": login_page.url},
        timeout=30,
    )
    return browser, answer, authorize


def test_invited_person_signs_in_with_sso_and_lands_on_their_home_page(
    sso, live_server, dept_fleet
):
    pat = assign(
        UserFactory(username="pat.lee", email="pat.lee@example.org", first_name="Pat"),
        dept_fleet,
        "cso",
    )
    pat.set_unusable_password()
    pat.save()
    browser, answer, authorize = sign_in_with_sso(live_server, "pat")
    # Authorization code flow with PKCE (S256); the provider checks the verifier.
    query = parse_qs(urlparse(authorize).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert answer.status_code == 200
    assert answer.url == f"{live_server.url}/"
    assert "Welcome, Pat" in answer.text
    assert "You are this department's Customer Service Officer" in answer.text
    assert User.objects.get(pk=pat.pk).last_login is not None

    # Logging out ends the app's session.
    logout = browser.post(
        f"{live_server.url}/accounts/logout/",
        {"csrfmiddlewaretoken": _form_field(answer.text, "csrfmiddlewaretoken")},
        timeout=20,
    )
    assert logout.url.startswith(f"{live_server.url}/accounts/login/")
    home = browser.get(f"{live_server.url}/", timeout=20)
    assert home.url.startswith(f"{live_server.url}/accounts/login/")
    assert "Welcome, Pat" not in home.text


def test_a_stranger_to_the_program_is_refused_and_gets_no_account(sso, live_server, dept_fleet):
    before = User.objects.count()
    browser, answer, _ = sign_in_with_sso(live_server, "stranger")
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert "you are not on the program&#x27;s roster" in answer.text
    assert User.objects.count() == before
    assert not User.objects.filter(email__iexact="stranger@example.org").exists()
    assert browser.get(f"{live_server.url}/", timeout=20).url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_a_deactivated_person_is_refused(sso, live_server, dept_fleet):
    gone = assign(UserFactory(username="gone", email="gone@example.org"), dept_fleet, "cso")
    gone.is_active = False
    gone.save()
    browser, answer, _ = sign_in_with_sso(live_server, "gone")
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert "has been deactivated" in answer.text
    assert browser.get(f"{live_server.url}/", timeout=20).url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_login_page_offers_sso_only_when_configured(client, settings, db):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/login/").status_code == 404
    settings.OIDC_RP_CLIENT_ID = "cso-program"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.org/authorize"
    assert "Or sign in with City single sign-on" in client.get("/accounts/login/").content.decode()
