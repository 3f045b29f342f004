"""Production as the image runs it.

Static files are collected by the Dockerfile's own `collectstatic` line (same
command, same environment, into a temporary STATIC_ROOT); gunicorn starts with
the Dockerfile's CMD (gunicorn.conf.py) and DEBUG off, on a PostgreSQL database
this module creates, migrates (as docker-compose's web service does) and seeds
with the demo program and the access-policy world (tests/production_world.py).
Over plain HTTP on 127.0.0.1, so the SSL redirect and secure cookies are off:
the proxy in front does TLS in production.

Each persona logs in through the login form and opens every GET page that the
policy table (tests/policy.py, tests/*/policy.py) expects to answer 200 for it.
Each answer must be 200, with `private, no-store` caching behind the login,
gzip-compressed HTML, a Permissions-Policy header and deferred scripts.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings

from tests.conftest import require_service, tcp_open
from tests.departments.factories import TEST_PASSWORD
from tests.http_client import Answer, Browser, free_port

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
# Views that are not behind the login: they choose their own caching.
PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/public/")
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+)"')
# Bounded: every wait below gives up and fails after this long.
START_TIMEOUT = 60


# -- the Dockerfile, read ---------------------------------------------------------------------


def dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The environment and argv of the Dockerfile's collectstatic RUN line."""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("RUN ") and "collectstatic" in line:
            tokens = shlex.split(line.removeprefix("RUN "))
            env = {}
            while tokens and re.fullmatch(r"[A-Z_]+=.*", tokens[0]):
                key, value = tokens.pop(0).split("=", 1)
                env[key] = value
            assert "&&" not in tokens, "keep collectstatic on a line of its own"
            return env, tokens
    raise AssertionError("The Dockerfile has no collectstatic line.")


def dockerfile_cmd() -> list[str]:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            return json.loads(line.removeprefix("CMD "))
    raise AssertionError("The Dockerfile has no CMD.")


# -- services and processes ---------------------------------------------------------------------


def _run(argv, env, *, timeout=300):
    result = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}"
    return result


class Gunicorn:
    """The Dockerfile's CMD, bound to 127.0.0.1 by gunicorn.conf.py's GUNICORN_BIND."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        cmd = dockerfile_cmd()
        assert cmd[0] == "gunicorn"
        self.env = env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"}
        self.log = log.open("w")
        self.proc = subprocess.Popen(  # noqa: S603 - the Dockerfile's own command
            [str(BIN / "gunicorn"), *cmd[1:]],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.logfile = log

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.logfile.read_text()[-3000:]}")
            if tcp_open(f"http://127.0.0.1:{self.port}", self.port):
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not listen within {START_TIMEOUT} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    is_postgres = url.startswith(("postgres://", "postgresql://"))
    require_service(is_postgres and tcp_open(url, 5432), "PostgreSQL (DATABASE_URL)")
    return url


def _broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        require_service(tcp_open(url, 6379), f"Redis at {url}")
        return url
    return "memory://"


@pytest.fixture(scope="module")
def database_url():
    """A database of this module's own, dropped at the end."""
    import psycopg2

    base = urlparse(_postgres_url())
    name = f"test_{base.path.lstrip('/') or 'cso'}_production"
    admin = psycopg2.connect(base._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base._replace(path=f"/{name}").geturl()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def production_env(database_url, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=_broker_url(),
        # A local test of production settings over plain HTTP: no TLS here.
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def collected_static(production_env):
    """collectstatic exactly as the Dockerfile runs it, into the scratch STATIC_ROOT."""
    docker_env, argv = dockerfile_collectstatic()
    assert argv[:3] == ["python", "manage.py", "collectstatic"], argv
    started = time.monotonic()
    _run([sys.executable, *argv[1:]], production_env | docker_env, timeout=300)
    return Path(production_env["STATIC_ROOT"]), time.monotonic() - started


@pytest.fixture(scope="module")
def server(production_env, collected_static, tmp_path_factory):
    env = production_env
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    _run([python, "manage.py", "seed_demo", "--if-empty"], env)
    out = tmp_path_factory.mktemp("world") / "pages.json"
    _run(
        [python, "manage.py", "shell", "-c", "from tests.production_world import main; main()"],
        env | {"PRODUCTION_WORLD_OUT": str(out)},
    )
    pages = json.loads(out.read_text())
    gunicorn = Gunicorn(env, tmp_path_factory.mktemp("logs") / "gunicorn.log")
    try:
        gunicorn.wait_until_listening()
        yield gunicorn, pages
    finally:
        gunicorn.stop()


# -- what production must do -----------------------------------------------------------------


def test_collectstatic_with_production_settings_writes_the_manifest(collected_static):
    static_root, seconds = collected_static
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert "img/favicon.svg" in manifest["paths"]
    hashed_css = manifest["paths"]["vendor/bootstrap/bootstrap.min.css"]
    assert (static_root / hashed_css).exists()
    assert (static_root / f"{hashed_css}.gz").exists()
    assert seconds < 120


def _check_page(persona: str, page: dict, answer: Answer) -> list[str]:
    """What is wrong with one answer, as sentences (empty when all is right)."""
    where = f"{persona} {page['rule']} {page['url']}"
    problems = []
    if answer.status != 200:
        return [f"{where}: answered {answer.status}, expected 200"]
    public = page["url"].startswith(PUBLIC_PREFIXES)
    cache = answer.headers.get("Cache-Control", "")
    if not public:
        if "private" not in cache:
            problems.append(f"{where}: Cache-Control {cache!r} is not private")
        if answer.content_type in ("text/html", "application/json") and "no-store" not in cache:
            problems.append(f"{where}: Cache-Control {cache!r} lacks no-store")
    if not answer.headers.get("Permissions-Policy"):
        problems.append(f"{where}: no Permissions-Policy header")
    if answer.content_type == "text/html":
        body = answer.body
        # GZipMiddleware keeps a short answer as it is when gzip (with its up to
        # 100 random bytes against BREACH) would not make it shorter.
        if len(body) >= 1024 and answer.headers.get("Content-Encoding") != "gzip":
            problems.append(f"{where}: HTML of {len(body)} bytes sent uncompressed")
        for tag in SCRIPT_TAG.findall(body.decode()):
            if " src=" in tag and " defer" not in tag:
                problems.append(f"{where}: script not deferred: {tag}")
    return problems


def _visit_as(port: int, persona: str, pages: list[dict]) -> tuple[list[str], int, float]:
    browser = Browser(port)
    browser.log_in(persona, TEST_PASSWORD)
    problems, slowest = [], 0.0
    for page in pages:
        started = time.monotonic()
        headers = {"HX-Request": "true"} if page["htmx"] else {}
        answer = browser.get(page["url"], headers=headers)
        slowest = max(slowest, time.monotonic() - started)
        problems += _check_page(persona, page, answer)
    return problems, len(pages), slowest


def test_every_policy_page_answers_200_privately_compressed_and_with_a_permissions_policy(
    server,
):
    gunicorn, pages = server
    personas = [p for p in pages if p != "anonymous"]
    assert len(personas) == 7 and all(pages[p] for p in personas)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: _visit_as(gunicorn.port, p, pages[p]), personas))
    problems = [problem for result in results for problem in result[0]]
    requested = sum(result[1] for result in results)
    elapsed = time.monotonic() - started
    print(f"{requested} pages as {len(personas)} personas in {elapsed:.1f} s")
    assert requested >= 300
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])
    log = gunicorn.logfile.read_text()
    assert "Traceback" not in log, log[-3000:]


def test_anonymous_pages_of_the_policy_answer_and_carry_the_headers(server):
    gunicorn, pages = server
    browser = Browser(gunicorn.port)
    problems = []
    for page in pages["anonymous"]:
        problems += _check_page("anonymous", page, browser.get(page["url"]))
    assert not problems, "\n".join(problems)


def test_static_files_are_served_compressed_and_cached_publicly(server):
    gunicorn, _ = server
    browser = Browser(gunicorn.port)
    login = browser.get("/accounts/login/")
    stylesheets = STYLESHEET.findall(login.body.decode())
    assert any("bootstrap.min." in href for href in stylesheets), stylesheets
    for href in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", href), f"{href} is not a hashed name"
        answer = browser.get(href)
        assert answer.status == 200, href
        assert answer.headers.get("Content-Encoding") in ("gzip", "br"), href
        cache = answer.headers.get("Cache-Control", "")
        assert "public" in cache and "immutable" in cache, cache
        assert "private" not in cache and "no-store" not in cache


def test_an_unknown_page_gets_the_friendly_404_not_the_debug_page(server):
    gunicorn, _ = server
    browser = Browser(gunicorn.port)
    browser.log_in("cso_fleet", TEST_PASSWORD)
    answer = browser.get("/no-such-page/")
    assert answer.status == 404
    html = answer.body.decode()
    assert "Page not found" in html and "Go to your home page" in html
    assert "URLconf" not in html and "DEBUG = True" not in html
    assert "no-store" in answer.headers["Cache-Control"]


def test_healthz_is_healthy_and_fast(server):
    gunicorn, _ = server
    answer = Browser(gunicorn.port).get("/healthz")
    body = json.loads(answer.body)
    assert answer.status == 200, body
    assert {"database", "broker", "static"} <= set(body["checks"])
    assert body["elapsed_ms"] < 1000


def test_healthz_names_static_files_when_pages_cannot_render(
    production_env, server, tmp_path_factory
):
    """The failure the issue found: a manifest-less STATIC_ROOT made every
    page answer 500 while /healthz said 200."""
    empty = tmp_path_factory.mktemp("empty-static")
    gunicorn = Gunicorn(
        production_env | {"STATIC_ROOT": str(empty)},
        tmp_path_factory.mktemp("logs-empty") / "gunicorn.log",
    )
    try:
        gunicorn.wait_until_listening()
        browser = Browser(gunicorn.port)
        assert browser.get("/accounts/login/").status == 500
        answer = browser.get("/healthz")
        body = json.loads(answer.body)
        assert answer.status == 503
        assert body["failing"] == ["static"], body
        assert "collectstatic" in body["checks"]["static"]["detail"]
    finally:
        gunicorn.stop()


def test_compose_puts_a_tls_proxy_in_front_and_runs_the_image_command():
    """Docker does not run here: read docker-compose.yml instead."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "ports" not in services["web"], "gunicorn must not be published; the proxy is"
    assert " ".join(dockerfile_cmd()) in services["web"]["command"]
    assert "collectstatic" not in services["web"]["command"], "the image has its static files"
    proxy = services["proxy"]
    published = {str(p).split(":")[-1].split("/")[0] for p in proxy["ports"]}
    assert {"80", "443"} <= published
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "{$CADDY_TLS}" in caddyfile
    env = compose["x-app"]["environment"]
    assert env["DEBUG"] == "False"
    assert env["SITE_URL"].startswith("https://")
    for optional in ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        assert env[optional].endswith(":-False}"), f"{optional} must be off unless the city opts in"
