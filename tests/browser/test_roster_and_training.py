"""The roster and the training program in real Chromium: keyboard only, axe
on every page, at desk width and on a 320 px phone."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from departments.accounts.services import api_token_create
from departments.training.models import TrainingCompletion, TrainingModule, TrainingSession
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory

pytestmark = pytest.mark.browser

FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e) return "";
  if (e.labels && e.labels.length) return e.labels[0].innerText;
  return (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
}"""


def tab_to(page, name: str, max_tabs: int = 90) -> None:
    """Press Tab until the focused control's label or text contains `name`."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if name in page.evaluate(FOCUSED_NAME):
            return
    raise AssertionError(f"“{name}” cannot be reached with the Tab key on {page.url}")


def test_ccso_invites_a_cso_by_keyboard_and_the_invitee_starts_from_the_email(
    page,
    browser,
    live_server,
    login_as,
    ccso,
    cso_fleet,
    dept_fleet,
    dept_streets,
    settings,
    assert_accessible,
):
    """The whole turnover: the CCSO invites the new CSO, who sets a password
    from the e-mail and lands on their department; the CCSO hands the leaving
    CSO's commitment to them and deactivates the leaver; the newcomer finds the
    commitment in My work."""
    settings.SITE_URL = live_server.url
    meeting = PhillyStatMeetingFactory(department=dept_fleet)
    commitment = CommitmentFactory(
        meeting=meeting, owner=cso_fleet, what="Call back every open 311 case"
    )
    login_as(page, ccso)
    page.goto("/roster/")
    assert_accessible(page, "roster-people-1280")
    tab_to(page, "Invite someone")
    page.keyboard.press("Enter")
    page.wait_for_url("**/roster/people/invite/")
    assert_accessible(page, "roster-invite-1280")
    for label, keys in [
        ("First name", "Pat"),
        ("Last name", "Lee"),
        ("E-mail address", "pat.lee@example.org"),
        ("Department", "Office of Fleet"),
        ("Role in the department", "Customer"),
    ]:
        tab_to(page, label)
        page.keyboard.type(keys)
    tab_to(page, "Send the invitation")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/roster/people/\d+/$"))
    assert page.get_by_text("Invitation sent to Pat Lee").is_visible()
    role = page.get_by_role("listitem").filter(has_text="Customer Service Officer of Fleet")
    assert role.first.is_visible() and role.count() == 2  # the role, and the history entry
    assert_accessible(page, "roster-person-invited-1280")

    message = mail.outbox[-1]
    assert message.to == ["pat.lee@example.org"]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)
    assert link.startswith(live_server.url)

    invitee = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720})
    their_page = invitee.new_page()
    their_page.goto(link)
    assert their_page.get_by_role("heading", name="Welcome, Pat").is_visible()
    assert_accessible(their_page, "invitation-accept-1280")
    tab_to(their_page, "Choose a password")
    their_page.keyboard.type("a-long-new-password-42")
    tab_to(their_page, "The same password again")
    their_page.keyboard.type("a-long-new-password-42")
    their_page.keyboard.press("Enter")
    their_page.wait_for_url(f"{live_server.url}/")
    assert their_page.get_by_role("heading", name="Office of Fleet Management").is_visible()
    assert "You are this department's Customer Service Officer" in their_page.content()
    assert_accessible(their_page, "invitee-home-1280")

    # The leaving CSO's work goes to Pat in one step; then they can leave.
    page.goto(f"/program/people/{cso_fleet.pk}/hand-over/")
    assert page.get_by_text("Call back every open 311 case").first.is_visible()
    page.get_by_label("Successor").select_option(label="Pat Lee")
    page.get_by_role("button", name="Hand over").click()
    assert page.get_by_text("handed over to Pat Lee").is_visible()
    assert_accessible(page, "handover-done-1280")
    page.goto(f"/roster/people/{cso_fleet.pk}/deactivate/")
    page.get_by_role("button", name=re.compile("^Deactivate")).click()
    page.wait_for_url(re.compile(rf".*/roster/people/{cso_fleet.pk}/$"))
    cso_fleet.refresh_from_db()
    commitment.refresh_from_db()
    assert not cso_fleet.is_active
    assert commitment.owner.email == "pat.lee@example.org"

    their_page.goto("/inbox/")
    assert their_page.get_by_role("link", name="Call back every open 311 case").is_visible()
    assert_accessible(their_page, "invitee-my-work-1280")
    invitee.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_roster_training_and_token_pages_read_well(
    page, login_as, width, ccso, cso_fleet, cso_streets, assert_accessible
):
    module = TrainingModule.objects.create(
        title="Running a focus group",
        description="Plan, invite, facilitate and record a focus group session.",
        materials_url="https://intranet.example.org/cso/focus-groups",
    )
    TrainingModule.objects.create(title="Presenting at PhillyStat", required=False)
    session = TrainingSession.objects.create(
        module=module,
        starts_at=timezone.now() + timezone.timedelta(days=7),
        place="City Hall, Room 202",
        facilitator="Rosetta Lue",
    )
    TrainingCompletion.objects.create(
        module=module, user=cso_fleet, completed_on=timezone.localdate()
    )
    api_token_create(user=ccso, name="Quarterly values upload")
    page.set_viewport_size({"width": width, "height": 720})
    login_as(page, ccso)
    for name, url in [
        ("roster-people", "/roster/"),
        ("roster-person", f"/roster/people/{cso_fleet.pk}/"),
        ("roster-departments", "/roster/departments/"),
        ("training-overview", "/training/"),
        ("training-module", f"/training/modules/{module.pk}/"),
        ("training-session", f"/training/sessions/{session.pk}/"),
        ("profile-tokens", "/accounts/profile/"),
    ]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page, f"{name}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"{url} is wider than the screen at {width} px"
        )
    page.context.clear_cookies()
    login_as(page, cso_fleet)
    for name, url in [("cso-home", "/"), ("cso-training", "/training/")]:
        page.goto(url)
        assert page.get_by_text("Training 1 of 1 required modules").is_visible()
        assert_accessible(page, f"{name}-{width}")
