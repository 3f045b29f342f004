"""Response headers of production, checked in-process (no services needed):
private caching behind the login, Permissions-Policy, gzip, and /healthz
naming the static files when pages cannot render. tests/test_production.py
checks the same on gunicorn with DEBUG off."""

import gzip

import pytest
from django.urls import reverse

from csoprogram.middleware import permissions_policy_header
from tests.csoprogram.factories import full_department

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_pages_behind_the_login_are_private_and_not_stored(client, cso_fleet, dept_fleet):
    client.force_login(cso_fleet)
    for url in ("/", "/departments/fleet/", "/api/departments/", "/no-such-page/"):
        cache = client.get(url).headers.get("Cache-Control", "")
        assert "private" in cache and "no-store" in cache, (url, cache)


def test_a_views_own_cache_control_is_kept(client, analyst_fleet, dept_fleet):
    from tests.metrics.factories import MetricFactory

    client.force_login(analyst_fleet)
    metric = MetricFactory(department=dept_fleet)
    response = client.get(reverse("metrics:metric_chart", args=[metric.pk]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=60"


def test_public_pages_are_left_cacheable_even_for_a_signed_in_person(client, cso_fleet, dept_fleet):
    client.force_login(cso_fleet)
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "private" not in response.headers.get("Cache-Control", "")


def test_login_page_is_never_cached(client, db):
    cache = client.get(reverse("login")).headers["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_every_page_carries_a_permissions_policy(client, cso_fleet, dept_fleet):
    client.force_login(cso_fleet)
    for url in ("/", reverse("login"), reverse("public:index"), "/healthz"):
        policy = client.get(url).headers.get("Permissions-Policy", "")
        assert "camera=()" in policy and "geolocation=()" in policy, url


def test_permissions_policy_header_format():
    assert (
        permissions_policy_header({"camera": [], "fullscreen": ["self"]})
        == "camera=(), fullscreen=(self)"
    )


@pytest.mark.django_db
def test_html_is_gzipped_when_the_browser_accepts_it(client, ccso, dept_fleet):
    full_department(dept_fleet)
    client.force_login(ccso)
    plain = client.get("/departments/fleet/")
    packed = client.get("/departments/fleet/", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.content)
    assert b"Office of Fleet Management" in html
    assert len(packed.content) < len(plain.content) / 2


def test_healthz_names_static_files_when_the_manifest_is_missing(client, db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {"staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["static"]
    assert "collectstatic" in body["checks"]["static"]["detail"]


def test_healthz_names_a_file_the_manifest_lists_but_static_root_lacks(
    client, db, settings, tmp_path
):
    (tmp_path / "staticfiles.json").write_text(
        '{"version": "1.1", "hash": "x", "paths": {"img/favicon.svg": "img/favicon.abc.svg"}}'
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {"staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    body = client.get("/healthz").json()
    assert body["failing"] == ["static"]
    assert "favicon" in body["checks"]["static"]["detail"]


def _production_setting(names: str, **env) -> str:
    import os
    import secrets
    import subprocess
    import sys

    from django.conf import settings

    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env.update(DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), **env)
    code = f"from django.conf import settings as s; print({names})"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_subdomains_and_preload_are_opt_in():
    names = "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD"
    assert _production_setting(names) == "31536000 False False"
    assert (
        _production_setting(
            names,
            SECURE_HSTS_SECONDS="600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="True",
            SECURE_HSTS_PRELOAD="True",
        )
        == "600 True True"
    )
