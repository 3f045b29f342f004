"""The foundation: health, who sees what, stage, security settings."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from csoprogram.celery import app as celery_app
from csoprogram.stage import department_stage, departments_with_stage
from tests.conftest import IN_CI, require_service, tcp_open
from tests.departments.factories import TEST_PASSWORD, DepartmentFactory


def test_healthz_answers_200_and_names_its_checks(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "static"}
    assert body["failing"] == []


def test_healthz_names_the_broker_when_it_is_down(client, db, settings):
    # A real connection attempt to a port where nothing listens.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_names_the_database_when_it_is_down(client, transactional_db, monkeypatch):
    if connection.vendor == "sqlite":
        # The in-memory test database cannot be taken away; refuse connections instead.
        from django.db import OperationalError

        def refuse(*args, **kwargs):
            raise OperationalError("unable to open database file")

        with monkeypatch.context() as patch:
            patch.setattr(connection, "cursor", refuse)
            response = client.get("/healthz")
    else:
        # A real failure: point the connection at a port where nothing listens.
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict["PORT"] = "1"
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["ok"] is False


def test_pages_need_a_login_and_send_anonymous_visitors_to_the_login_page(client, dept_fleet):
    response = client.get(reverse("departments:detail", kwargs={"slug": "fleet"}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_cso_sees_only_their_own_departments(client, cso_fleet, dept_streets):
    client.force_login(cso_fleet)
    response = client.get(reverse("departments:list"))
    assert "Office of Fleet Management" in response.content.decode()
    assert "Streets Department" not in response.content.decode()


def test_cso_cannot_see_another_departments_page(client, cso_streets, dept_fleet):
    client.force_login(cso_streets)
    response = client.get(reverse("departments:detail", kwargs={"slug": "fleet"}))
    assert response.status_code == 404
    assert "Office of Fleet Management" not in response.content.decode()


def test_inactive_department_answers_404_even_to_the_ccso(client, ccso):
    DepartmentFactory(slug="closed", name="Closed Office", active=False)
    client.force_login(ccso)
    assert client.get("/departments/closed/").status_code == 404


def test_ccso_home_lists_every_department_with_its_stage(client, ccso, dept_fleet, dept_streets):
    client.force_login(ccso)
    html = client.get("/").content.decode()
    assert "Office of Fleet Management" in html and "Streets Department" in html
    assert html.count("Focus groups (0 of 5)") == 2


def test_mdo_home_points_to_the_outcomes_session(client, md_office):
    client.force_login(md_office)
    html = client.get("/").content.decode()
    assert "Outcomes session" in html


def test_analyst_home_lists_the_departments_they_analyse(client, analyst_fleet, dept_streets):
    client.force_login(analyst_fleet)
    html = client.get("/").content.decode()
    assert "Your departments as PhillyStat analyst" in html
    assert "Office of Fleet Management" in html
    assert "Streets Department" not in html


def test_stage_of_a_new_department_is_focus_groups_with_the_target_count(dept_fleet, settings):
    settings.FOCUS_GROUP_TARGET = 4
    dept = departments_with_stage().get(pk=dept_fleet.pk)
    stage = department_stage(dept)
    assert stage.key == "focus_groups"
    assert stage.label == "Focus groups (0 of 4)"


def test_department_list_query_count_does_not_grow_with_departments(
    client, ccso, django_assert_max_num_queries
):
    DepartmentFactory.create_batch(5)
    client.force_login(ccso)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("departments:list"))
    DepartmentFactory.create_batch(45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("departments:list"))
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_passwords_need_at_least_twelve_characters(db):
    with pytest.raises(ValidationError):
        validate_password("Sh0rt&Sweet")
    validate_password("a-much-longer-passphrase")


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_key_changes_at_login(client, cso_fleet):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": "cso_fleet", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before


def test_repeated_failures_lock_one_account_but_not_others(client, cso_fleet, cso_streets):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "cso_fleet", "password": "wrong-password!"})
    locked = client.post(reverse("login"), {"username": "cso_fleet", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    other = client.post(reverse("login"), {"username": "cso_streets", "password": TEST_PASSWORD})
    assert other.status_code == 302


def test_an_over_long_username_gets_a_form_error_not_a_server_error(client, db):
    # Found by the fuzz test: the lockout table holds at most 255 characters.
    response = client.post(reverse("login"), {"username": "Ä" * 400, "password": "x" * 20})
    assert response.status_code == 200
    form = response.context["form"]
    assert "at most 150 characters" in " ".join(form.errors["username"])


def _logged_in_client(username):
    other = Client()
    response = other.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert other.get("/").status_code == 200
    return other


def test_logout_ends_the_persons_sessions_on_other_devices_too(db, cso_fleet, cso_streets):
    laptop, phone = _logged_in_client("cso_fleet"), _logged_in_client("cso_fleet")
    colleague = _logged_in_client("cso_streets")
    laptop.post(reverse("logout"))
    assert phone.get("/").status_code == 302
    assert phone.get("/").url.startswith(reverse("login"))
    assert colleague.get("/").status_code == 200
    # Logging in again works and starts a fresh session.
    assert _logged_in_client("cso_fleet").get("/").status_code == 200


def test_password_change_ends_other_sessions_but_keeps_this_one(db, cso_fleet):
    laptop, phone = _logged_in_client("cso_fleet"), _logged_in_client("cso_fleet")
    new = "Another-horse-battery-42"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_logout_is_post_only_and_ends_the_session(client, cso_fleet):
    client.force_login(cso_fleet)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_ci_runs_on_postgresql(db):
    require_service(connection.vendor == "postgresql", "PostgreSQL")


def test_redis_answers_when_a_redis_broker_is_configured():
    url = os.environ.get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    if not url.startswith("redis"):
        require_service(not IN_CI, "A Redis CELERY_BROKER_URL")
        pytest.skip("No Redis broker configured.")
    require_service(tcp_open(url, 6379), f"Redis at {url}")
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
