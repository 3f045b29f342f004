"""Security gates: deploy checks, CSP, CSRF on every state-changing URL."""

import os
import secrets
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_access_policy import OBJECTS, RULES


def test_deploy_checks_pass_with_production_settings():
    # The browser tests allow sync ORM calls next to Playwright's loop; production does not.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cso.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "False"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_html_page_has_a_csp_without_inline_or_eval_scripts(client, cso_fleet):
    client.force_login(cso_fleet)
    for url in ("/", reverse("login"), "/departments/fleet/", "/no-such-page/"):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'self'" in script_src
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert "frame-ancestors 'none'" in policy


def _row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in ("departments", "focusgroups", "plans", "metrics", "csoprogram")
    }


POST_RULES = [r for r in RULES if r.method == "post" and r.url_name != "logout"]


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda r: r.id)
def test_state_changing_urls_refuse_a_post_without_csrf_token(
    rule, personas, dept_fleet, dept_streets
):
    # The persona allowed to act on department A's object (a 400 reached the
    # view: the rule posts a refused body, such as an empty hand-over).
    persona = next(
        (p for p, status in rule.expect_a.items() if p != "anonymous" and status <= 400), None
    )
    assert persona is not None, f"{rule.id}: no persona may post here; why is it a URL?"
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas[persona])
    kwargs = OBJECTS[rule.obj](dept_fleet, {"personas": personas}) if rule.obj else {}
    url = reverse(rule.url_name, kwargs=kwargs)
    data = (
        rule.data({"department": dept_fleet, "kwargs": kwargs, "personas": personas})
        if callable(rule.data)
        else rule.data
    )
    before = _row_counts()
    response = client.post(url, data)
    assert response.status_code == 403, f"{rule.id} accepted a POST without a CSRF token"
    assert _row_counts() == before


def test_bandit_finds_no_high_severity_issue():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            "csoprogram",
            "departments",
            "focusgroups",
            "plans",
            "metrics",
            "-x",
            "*/migrations/*",
            "--severity-level",
            "high",
            "-f",
            "txt",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
