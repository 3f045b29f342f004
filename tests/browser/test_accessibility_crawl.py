"""Accessibility crawl: each persona of the demo program visits every page its
navigation links to, and one detail page of each kind; axe-core (WCAG 2.1 A/AA)
must find nothing. Screenshots at 375 px are kept in test-artifacts/crawl/."""

import pytest
from django.core.management import call_command

from departments.models import User
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PERSONAS = ["cso.fleet", "head.fleet", "analyst.fleet", "ccso", "mdo"]


def _detail_urls(username):
    from focusgroups.models import FocusGroupSession
    from metrics.models import Metric, PhillyStatMeeting
    from plans.models import CustomerServicePlan

    urls = ["/departments/fleet/"]
    session = FocusGroupSession.objects.filter(department__slug="fleet").first()
    if session:
        urls.append(session.get_absolute_url())
    plan = CustomerServicePlan.objects.filter(department__slug="fleet", ever_submitted=True).first()
    if plan:
        urls.append(plan.get_absolute_url())
    metric = Metric.objects.filter(department__slug="fleet").first()
    if metric:
        urls.append(f"/metrics/{metric.pk}/")
    meeting = PhillyStatMeeting.objects.filter(department__slug="fleet").first()
    if meeting:
        urls.append(meeting.get_absolute_url())
        urls.append(f"/metrics/meetings/{meeting.pk}/briefing/")
        if username == "cso.fleet":
            urls.append(f"/metrics/meetings/{meeting.pk}/narrative/")
    # A meeting marked held: its follow-up memo is a draft.
    from csoprogram.lib import fiscal
    from metrics.phillystat.memos import meeting_mark_held

    held = (
        PhillyStatMeeting.objects.filter(department__slug="fleet", date__lt=fiscal.today())
        .order_by("-date")
        .first()
    )
    if held:
        meeting_mark_held(user=User.objects.get(username="analyst.fleet"), meeting=held)
        urls.append(f"/metrics/meetings/{held.pk}/memo/")
        if username == "analyst.fleet":
            urls.append(f"/metrics/meetings/{held.pk}/memo/edit/")
    return urls


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_persona_can_reach_has_no_axe_violations(
    page, login_as, demo, username, assert_accessible
):
    login_as(page, User.objects.get(username=username))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    nav_urls = page.eval_on_selector_all(
        "nav[aria-label='Main'] a.nav-link, nav[aria-label='Main'] a.dropdown-item",
        "els => els.map(e => e.getAttribute('href'))",
    )
    urls = list(dict.fromkeys(["/", *nav_urls, *_detail_urls(username)]))
    assert len(urls) >= 4
    for i, url in enumerate(urls):
        response = page.goto(url)
        assert response.status == 200, f"{username}: {url} answered {response.status}"
        assert_accessible(page)
        screenshot(page, f"crawl/{username}-{i:02d}-{url.strip('/').replace('/', '_') or 'home'}")
