"""Three program rules, tried in Chromium as the people who meet them:

- a CSO cannot keep two year-one areas of focus, whatever the second one's
  status, and can withdraw the first to make room;
- an analyst cannot link a customer service metric to an area of focus of a
  plan that was never submitted;
- the Managing Director's Office sees no trace of a never-submitted plan or its
  area of focus anywhere it reads: pages, the API, the program review CSV.
"""

import pytest

from plans.models import AreaOfFocus
from tests.browser.conftest import screenshot
from tests.metrics.factories import MetricFactory
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.browser

SECRET = "Secret draft area nobody submitted"


def test_a_cso_cannot_keep_two_year_one_areas_and_can_withdraw_one(
    page, login_as, cso_fleet, dept_fleet, assert_accessible
):
    plan = PlanFactory(department=dept_fleet)
    login_as(page, cso_fleet)
    for status in ("Planned", "Active"):
        page.goto(f"/plans/{plan.pk}/areas/new/")
        page.get_by_label("Area of focus").fill("Call every customer back")
        page.get_by_label("Year of the plan").fill("1")
        page.get_by_label("Status").select_option(label=status)
        page.get_by_label("Timeliness").check()
        page.get_by_role("button", name="Save area of focus").click()
        error = (
            page.locator("#id_year")
            .locator("xpath=..")
            .get_by_text("A plan has one area of focus in year one.")
        )
        assert error.is_visible()
        # What the CSO typed is still there.
        assert page.get_by_label("Area of focus").input_value() == "Call every customer back"
    screenshot(page, "rules-second-year-one-area-refused-1280")
    assert plan.areas_of_focus.count() == 1

    # Withdraw the first, then the new one fits.
    page.goto(f"/plans/areas/{plan.areas_of_focus.get().pk}/edit/")
    page.get_by_role("link", name="Withdraw this area of focus").click()
    assert_accessible(page, "rules-area-withdraw-confirm-1280")
    page.get_by_label("Why the area of focus is withdrawn").fill("Call-backs matter more.")
    page.get_by_role("button", name="Withdraw this area of focus").click()
    assert page.get_by_text("stays in the plan's history").is_visible()
    page.goto(f"/plans/{plan.pk}/areas/new/")
    page.get_by_label("Area of focus").fill("Call every customer back")
    page.get_by_label("Timeliness").check()
    page.get_by_role("button", name="Save area of focus").click()
    assert page.get_by_text("The area of focus is added to the plan.").is_visible()
    assert_accessible(page, "rules-area-withdrawn-plan-1280")
    statuses = sorted(plan.areas_of_focus.values_list("status", flat=True))
    assert statuses == [AreaOfFocus.Status.ACTIVE, AreaOfFocus.Status.WITHDRAWN]


def test_an_analyst_cannot_link_a_metric_to_a_draft_plans_area(
    page, login_as, analyst_fleet, dept_fleet
):
    submitted = PlanFactory(department=dept_fleet, status="submitted", program_year=2026)
    draft = PlanFactory(department=dept_fleet, program_year=2027, with_area=False)
    AreaOfFocusFactory(plan=draft, title=SECRET)
    login_as(page, analyst_fleet)
    page.goto("/metrics/departments/fleet/new/")
    options = page.get_by_label("Area of focus").locator("option").all_inner_texts()
    assert submitted.areas_of_focus.get().title in options
    assert SECRET not in options
    screenshot(page, "rules-metric-form-areas-1280")


def test_the_mdo_sees_no_trace_of_a_never_submitted_plan(
    page, login_as, md_office, dept_fleet, analyst_fleet
):
    draft = PlanFactory(department=dept_fleet, mission="Draft mission nobody submitted")
    area = draft.areas_of_focus.get()
    AreaOfFocus.objects.filter(pk=area.pk).update(title=SECRET)
    # A link made before the rule existed must not leak either.
    metric = MetricFactory(department=dept_fleet, area_of_focus=area, name="Turnaround days")
    login_as(page, md_office)
    pages = [
        "/metrics/",
        f"/metrics/{metric.pk}/",
        "/departments/fleet/",
        "/program/review/",
        "/program/outcomes/",
        "/program/outcomes/present/",
        "/program/update/",
        "/plans/",
        "/api/metrics/",
        f"/api/metrics/{metric.pk}/",
        "/api/plans/",
        "/api/areas-of-focus/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        body = page.content()
        assert SECRET not in body and "Draft mission nobody submitted" not in body, url
    api = page.request.get(f"/api/metrics/{metric.pk}/", headers={"Accept": "application/json"})
    assert api.json()["area_of_focus"] is None
    assert page.goto(f"/plans/{draft.pk}/").status == 404
    page.goto(f"/metrics/{metric.pk}/")
    screenshot(page, "rules-mdo-metric-without-draft-area-1280")
    with page.expect_download() as download:
        page.evaluate("window.location = '/program/review/export.csv'")
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert SECRET not in csv_text and "Not yet submitted" in csv_text
