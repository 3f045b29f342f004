"""Every form a person can send carries a CSRF token, as rendered in Chromium.

The CSRF gate of test_security.py checks that a POST without a token is
refused; this checks the other half: each persona of the demo program walks
every page it can reach by following links from its home page (up to
PAGES_PER_VIEW pages of each kind, so object pages are covered without
visiting every feedback item), and on each page every <form method="post">
must hold a non-empty `csrfmiddlewaretoken` input, and every htmx element that
sends a POST must sit under an hx-headers attribute giving X-CSRFToken (set on
<body> by base.html). Then the "Mark resolved" form that issue 12 found
without a token is sent for real.
"""

import re
import time
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from departments.models import User
from plans.models import Impediment
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PERSONAS = ["cso.fleet", "head.fleet", "analyst.fleet", "cso.streets", "ccso", "mdo"]
PAGES_PER_VIEW = 2
# Links that are not pages: downloads, files, API, admin, leaving the session.
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout/")
SKIP_VIEW_WORDS = ("export", "csv", "download", "chart", "sparkline")
# Files a browser downloads rather than shows (calendars, documents, tables).
SKIP_SUFFIXES = (".ics", ".pdf", ".csv", ".zip", ".xlsx")
# Bounded: the whole crawl must finish well inside CI's budget.
CRAWL_SECONDS_PER_PERSONA = 45

INSPECT = """() => {
  const posts = [...document.querySelectorAll("form")].filter(
    (f) => (f.getAttribute("method") || "get").toLowerCase() === "post");
  const formsWithoutToken = posts
    .filter((f) => {
      const input = f.querySelector("input[name=csrfmiddlewaretoken]");
      return !input || !input.value;
    })
    .map((f) => f.getAttribute("action") || "(no action)");
  const hxSelector = ["post", "put", "patch", "delete"]
    .flatMap((m) => [`[hx-${m}]`, `[data-hx-${m}]`]).join(",");
  const hxWithoutToken = [...document.querySelectorAll(hxSelector)]
    .filter((el) => {
      const holder = el.closest("[hx-headers],[data-hx-headers]");
      if (!holder) return true;
      const raw = holder.getAttribute("data-hx-headers") || holder.getAttribute("hx-headers");
      try { return !JSON.parse(raw)["X-CSRFToken"]; } catch (e) { return true; }
    })
    .map((el) => el.getAttribute("data-hx-post") || el.getAttribute("hx-post") || el.tagName);
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"));
  return {posts: posts.length, formsWithoutToken, hxWithoutToken, links};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _page_url(href: str, current: str) -> str | None:
    """The site path a link leads to, or None for what is not a page to visit."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc:
        return None
    path = href if href.startswith("/") else urlparse(current).path.rsplit("/", 1)[0] + "/" + href
    path = urldefrag(path).url
    if path.startswith(SKIP_PREFIXES) or urlparse(path).path.endswith(SKIP_SUFFIXES):
        return None
    return path


def _view_name(path: str) -> str | None:
    try:
        match = resolve(urlparse(path).path)
    except Resolver404:
        return None
    return match.view_name


def _crawl(page, username):
    """Breadth-first from the home page; returns (pages visited, problems)."""
    queue, seen, per_view = ["/"], {"/"}, {}
    problems, visited, posts = [], [], 0
    deadline = time.monotonic() + CRAWL_SECONDS_PER_PERSONA
    while queue:
        assert time.monotonic() < deadline, (
            f"{username}: crawl took over {CRAWL_SECONDS_PER_PERSONA} s "
            f"({len(visited)} pages, {len(queue)} queued)"
        )
        url = queue.pop(0)
        response = page.goto(url, wait_until="domcontentloaded")
        if response.status >= 500:
            problems.append(f"{username}: {url} answered {response.status}")
            continue
        if response.status != 200:
            continue
        found = page.evaluate(INSPECT)
        visited.append(url)
        posts += found["posts"]
        for action in found["formsWithoutToken"]:
            problems.append(f"{username}: form to {action} on {url} has no CSRF token")
        for target in found["hxWithoutToken"]:
            problems.append(f"{username}: htmx {target} on {url} sends no X-CSRFToken")
        for href in found["links"]:
            path = _page_url(href, url)
            if path is None or path in seen:
                continue
            view = _view_name(path)
            if view is None or any(word in view for word in SKIP_VIEW_WORDS):
                continue
            if per_view.get(view, 0) >= PAGES_PER_VIEW:
                continue
            per_view[view] = per_view.get(view, 0) + 1
            seen.add(path)
            queue.append(path)
    return visited, posts, problems


@pytest.mark.parametrize("username", PERSONAS)
def test_every_rendered_post_form_carries_a_csrf_token(page, login_as, demo, username):
    login_as(page, User.objects.get(username=username))
    visited, posts, problems = _crawl(page, username)
    print(f"{username}: {len(visited)} pages, {posts} POST forms")
    assert len(visited) >= 10, visited
    assert posts > 0
    assert not problems, "\n".join(problems)


def test_mark_resolved_on_an_impediment_is_accepted(page, login_as, demo, live_server):
    """Issue 12: the form was rendered without a token and answered 403."""
    impediment = Impediment.objects.filter(department__slug="fleet", status="open").first()
    assert impediment is not None, "the demo has an open impediment for Fleet"
    login_as(page, User.objects.get(username="cso.fleet"))
    page.goto(reverse("plans:change_record", args=["fleet"]))
    page.fill(f"#resolution-{impediment.pk}", "The garage now answers the phone line.")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark resolved").first.click()
    assert page.url.endswith(reverse("plans:change_record", args=["fleet"])), page.url
    assert "403" not in page.title() and "Forbidden" not in page.content()
    screenshot(page, "csrf/mark-resolved")
    impediment.refresh_from_db()
    assert impediment.status == "resolved"
    assert re.search(r"garage now answers", page.content())
