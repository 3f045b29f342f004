"""The demo (`make run` -> `manage.py runprogram`) runs as production does.

DEBUG is off unless set, so a wrong address gets the friendly 404 page, static
files are served by WhiteNoise from a manifest, and links in e-mails point at
the address the demo serves on unless SITE_URL is set. The last test starts
runprogram for real (web, worker, beat) on a fresh SQLite database, as `make
run` does on a new machine, with Redis as the broker so that it shares nothing
with a developer's var/broker.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from csoprogram.management.commands.runprogram import (
    demo_environment,
    demo_secret_key,
    site_url_for,
)
from tests.conftest import require_service, tcp_open
from tests.http_client import Browser, free_port

ROOT = Path(settings.BASE_DIR)
DEMO_PASSWORD = "phillystat-demo-2026"  # the README's demo password
DEMO_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def test_the_demo_runs_with_debug_off_over_plain_http(tmp_path):
    env = demo_environment("127.0.0.1:8000", {}, tmp_path)
    assert env["DEBUG"] == "False"
    assert env["SECURE_SSL_REDIRECT"] == "False"
    assert env["SESSION_COOKIE_SECURE"] == env["CSRF_COOKIE_SECURE"] == "False"
    assert len(env["SECRET_KEY"]) >= 50
    assert env["SITE_URL"] == "http://127.0.0.1:8000"


def test_the_demo_secret_key_is_kept_for_the_next_start_and_private(tmp_path):
    first = demo_secret_key(tmp_path)
    assert demo_secret_key(tmp_path) == first
    assert (tmp_path / "demo-secret-key").stat().st_mode & 0o077 == 0


def test_e_mail_links_follow_the_address_the_demo_serves_on(tmp_path):
    assert demo_environment("127.0.0.1:8123", {}, tmp_path)["SITE_URL"] == ("http://127.0.0.1:8123")
    assert demo_environment("8123", {}, tmp_path)["SITE_URL"] == "http://127.0.0.1:8123"
    env = demo_environment("192.0.2.10:8000", {}, tmp_path)
    assert env["SITE_URL"] == "http://192.0.2.10:8000"
    assert "192.0.2.10" in env["ALLOWED_HOSTS"].split(",")
    # Listening on every interface: the name the site answers to.
    assert site_url_for("0.0.0.0:8000", ["localhost", "cso.intranet"]) == (  # noqa: S104
        "http://cso.intranet:8000"
    )


def test_what_the_environment_says_wins(tmp_path):
    given = {"DEBUG": "True", "SITE_URL": "https://cso.example.org", "SECRET_KEY": "k" * 50}
    env = demo_environment("127.0.0.1:8000", given, tmp_path)
    assert (env["DEBUG"], env["SITE_URL"], env["SECRET_KEY"]) == (
        "True",
        "https://cso.example.org",
        "k" * 50,
    )
    assert not (tmp_path / "demo-secret-key").exists()


def _site_url(**env) -> str:
    full = {k: v for k, v in os.environ.items() if k not in DEMO_VARIABLES}
    full.update(env)
    code = "from django.conf import settings as s; print(s.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_without_site_url_production_links_use_the_first_allowed_host():
    key = secrets.token_urlsafe(50)
    assert _site_url(DEBUG="False", SECRET_KEY=key, ALLOWED_HOSTS="cso.example.org,localhost") == (
        "https://cso.example.org"
    )
    assert (
        _site_url(
            DEBUG="False",
            SECRET_KEY=key,
            ALLOWED_HOSTS="localhost,cso.intranet",
            SECURE_SSL_REDIRECT="False",
        )
        == "http://cso.intranet"
    )
    assert _site_url() == "http://127.0.0.1:8000"


def _run(argv, env):
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {seconds:.0f} s")


def test_make_run_serves_friendly_pages_and_mails_links_to_its_own_address(tmp_path):
    # A Redis database of its own: the integration tests' workers use
    # TEST_REDIS_URL, and test files may run at the same time (pytest -n).
    broker = os.environ.get("DEMO_REDIS_URL", "redis://127.0.0.1:6379/14")
    require_service(tcp_open(broker, 6379), f"Redis at {broker}")
    import redis

    redis.Redis.from_url(broker).flushdb()
    port = free_port()
    mail = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if k not in DEMO_VARIABLES}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        # A fresh machine's database, as `make run` makes it.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL=broker,
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(mail),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="WARNING",
    )
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    _run([python, "manage.py", "seed_demo", "--if-empty"], env)
    # Only the secret key is given, so var/ of the working tree is left alone.
    demo = subprocess.Popen(  # noqa: S603 - fixed argv
        [python, "manage.py", "runprogram", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env | {"SECRET_KEY": secrets.token_urlsafe(50)},
        stdout=(tmp_path / "runprogram.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(lambda: tcp_open(f"http://127.0.0.1:{port}", port), 90, "runserver listening")
        browser = Browser(port)
        health = browser.get("/healthz")
        assert health.status == 200, health.body
        assert b'"static": {"ok": true, "detail": "ok"}' in health.body

        missing = browser.get("/no-such-page/")
        assert missing.status == 404
        html = missing.body.decode()
        assert "Page not found" in html and "Go to your home page" in html
        assert "URLconf" not in html and "DEBUG = True" not in html

        login = browser.get("/accounts/login/").body.decode()
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', login)
        assert css, "static files are not served under hashed names (DEBUG on?)"
        assert browser.get(css.group(1)).status == 200

        browser.log_in("cso.fleet", DEMO_PASSWORD)
        assert browser.get("/").status == 200

        # Beat's first reminder scan runs at start; the worker writes the e-mail.
        def reminder_links():
            texts = [p.read_text() for p in mail.glob("*")] if mail.exists() else []
            return [u for t in texts for u in re.findall(r"https?://[^\s\"<>]+", t)]

        links = _wait(reminder_links, 60, "a reminder e-mail")
        assert all(u.startswith(f"http://127.0.0.1:{port}/") for u in links), links
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait(timeout=10)
            raise AssertionError("runprogram did not stop on Ctrl-C within 30 s") from None
    assert demo.returncode is not None


def test_a_form_sent_without_its_csrf_token_gets_the_friendly_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "Nothing was saved" in html


def test_the_500_page_needs_neither_static_files_nor_the_database(rf):
    from csoprogram.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "/static/" not in html
