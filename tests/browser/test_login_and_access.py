import pytest

from tests.browser.conftest import screenshot
from tests.departments.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_cso_logs_in_through_the_form_and_lands_on_their_department(
    page, cso_fleet, assert_accessible
):
    page.goto("/")
    # Deny by default: the home page sends an anonymous visitor to the login form.
    assert "/accounts/login/" in page.url
    assert_accessible(page, "login-1280")
    page.get_by_label("Username").fill("cso_fleet")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.get_by_role("heading", name="Office of Fleet Management").is_visible()
    assert "You are this department's Customer Service Officer" in page.content()
    page.get_by_role("link", name="Office of Fleet Management").first.click()
    page.wait_for_url("**/departments/fleet/")
    assert page.get_by_role("heading", level=1, name="Office of Fleet Management").is_visible()
    assert page.get_by_text("Focus groups (0 of 5)").first.is_visible()
    assert_accessible(page, "department-fleet-cso-1280")


def test_wrong_password_keeps_the_user_on_the_login_form_with_a_message(
    page, cso_fleet, assert_accessible
):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("cso_fleet")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" in page.url
    assert "Please enter a correct username and password" in page.content()
    assert_accessible(page)


def test_cso_of_another_department_typing_the_url_gets_the_404_page(
    page, login_as, cso_streets, dept_fleet, assert_accessible
):
    login_as(page, cso_streets)
    response = page.goto("/departments/fleet/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert "Office of Fleet Management" not in page.content()
    assert_accessible(page, "404-cso-streets")


@pytest.mark.parametrize("width", [1280, 375])
def test_each_role_home_page_reads_well(
    page,
    login_as,
    width,
    cso_fleet,
    head_fleet,
    analyst_fleet,
    ccso,
    md_office,
    dept_streets,
    assert_accessible,
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    assert_accessible(page, f"login-{width}")
    for name, user in [
        ("cso", cso_fleet),
        ("head", head_fleet),
        ("analyst", analyst_fleet),
        ("ccso", ccso),
        ("mdo", md_office),
    ]:
        page.context.clear_cookies()
        login_as(page, user)
        page.goto("/")
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page, f"home-{name}-{width}")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} home page is {scroll_width}px wide at {width}px"
    screenshot(page, f"home-mdo-{width}-viewport", full_page=False)
