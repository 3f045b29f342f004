"""Real Chromium (Debian's) driven by Playwright against pytest-django's live_server.

Fixtures: `browser` (session), `page` (fresh context per test), `login_as(page, user)`
to start a logged-in session without the form, and `assert_accessible(page)` to run
axe-core (WCAG 2 A/AA) and fail on any violation. Screenshots go to test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by tests around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    available = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    require_service(available, f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert not csp_errors, f"CSP violations in the browser console: {csp_errors}"


@pytest.fixture
def login_as(live_server):
    """Give the page's browser context a logged-in session for `user`."""
    from django.test import Client

    def _login(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return _login


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page, name: str | None = None):
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        if name:
            screenshot(page, name)
        violations = results.response.get("violations", [])
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
            for v in violations
        ]
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(details)
        )

    return _check


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
