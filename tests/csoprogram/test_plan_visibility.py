"""The MDO never sees a plan that was never submitted for review, nor its
areas of focus, on any program-wide page or export; the CCSO does where the
page is a review. One rule (plans.permissions / plans.selectors) behind all."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.django_db

SECRETS = ("Secret draft mission", "Secret draft vision", "Secret draft area")


def _draft_only(department):
    """A department whose only plan is a draft never submitted, with an area."""
    p = PlanFactory(
        department=department,
        status="draft",
        mission=SECRETS[0],
        vision=SECRETS[1],
        with_area=False,
        status_changed_at=timezone.now(),
    )
    AreaOfFocusFactory(plan=p, title=SECRETS[2])
    return p


def _html(client, user, url_name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(url_name, args=args), params)
    assert response.status_code == 200, url_name
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _assert_no_trace(text: str, where: str):
    for secret in SECRETS:
        assert secret not in text, f"{where} shows {secret!r}"


def test_mdo_sees_no_trace_of_a_draft_only_plan_on_any_program_page(
    client, md_office, dept_fleet, dept_streets
):
    full_department(dept_streets)
    _draft_only(dept_fleet)
    update = ProgramMeetingFactory(kind="program_update", agenda=[dept_fleet])
    pages = [
        ("csoprogram:program_review",),
        ("csoprogram:program_review_csv",),
        ("csoprogram:outcomes_dashboard",),
        ("csoprogram:outcomes_presentation",),
        ("csoprogram:program_update",),
        ("csoprogram:meeting_detail", update.pk),
        ("csoprogram:publication", "fleet"),
    ]
    for url_name, *args in pages:
        text = _html(client, md_office, url_name, *args)
        _assert_no_trace(text, url_name)
    meeting = _html(client, md_office, "csoprogram:meeting_detail", update.pk)
    assert "Customer service plan now draft" not in meeting


def test_mdo_cannot_tell_a_draft_from_no_plan_in_the_review_and_its_csv(
    client, md_office, ccso, dept_fleet, dept_streets
):
    _draft_only(dept_fleet)  # Streets has no plan at all
    rows = _html(client, md_office, "csoprogram:program_review_csv")
    header, *lines = list(csv.reader(io.StringIO(rows)))
    plan_column = header.index("Customer service plan")
    days_column = header.index("Days in plan status")
    by_name = {line[0]: line for line in lines}
    fleet, streets = by_name["Office of Fleet Management"], by_name["Streets Department"]
    assert fleet[plan_column] == streets[plan_column] == "Not yet submitted"
    assert fleet[days_column] == streets[days_column] == ""
    # The CCSO reviews drafts: the same export names it.
    rows = _html(client, ccso, "csoprogram:program_review_csv")
    assert SECRETS[2] in rows and "Draft" in rows


def test_mdo_reads_the_last_submitted_plan_while_next_years_draft_is_unsubmitted(
    client, md_office, dept_fleet
):
    full_department(dept_fleet)  # an approved plan for 2027 with "Vehicles back on time"
    draft = PlanFactory(
        department=dept_fleet,
        status="draft",
        program_year=2028,
        mission=SECRETS[0],
        with_area=False,
    )
    AreaOfFocusFactory(plan=draft, title=SECRETS[2])
    client.force_login(md_office)
    row = client.get(reverse("csoprogram:program_review")).context["rows"][0]
    assert row.plan_status == "approved" and row.areas_of_focus == ["Vehicles back on time"]
    for url_name in ("csoprogram:outcomes_dashboard", "csoprogram:outcomes_presentation"):
        html = _html(client, md_office, url_name)
        _assert_no_trace(html, url_name)
        assert "We keep the city&#x27;s vehicles safe and ready." in html


def test_the_public_page_shows_the_approved_plan_never_a_newer_draft(
    client, cso_fleet, ccso, dept_fleet
):
    full_department(dept_fleet)
    draft = PlanFactory(
        department=dept_fleet,
        status="draft",
        program_year=2028,
        mission=SECRETS[0],
        with_area=False,
    )
    AreaOfFocusFactory(plan=draft, title=SECRETS[2])
    client.force_login(cso_fleet)
    client.post(reverse("csoprogram:publication", args=["fleet"]), {"metrics": []})
    client.force_login(ccso)
    client.post(reverse("csoprogram:publication_approve", args=["fleet"]))
    client.logout()
    html = client.get(reverse("public:department", args=["fleet"])).content.decode()
    assert "We keep the city&#x27;s vehicles safe and ready." in html
    _assert_no_trace(html, "public:department")
