"""A real Celery worker on real Redis, sharing the test database (PostgreSQL).

Each worker runs as `celery -A csoprogram worker` in a subprocess, with a Redis
database of its own (TEST_REDIS_URL, default db 15) that is flushed first, and
e-mail written to files in a temporary folder (the local sink we read). Under
pytest-xdist each test process takes a database of its own (the first one
TEST_REDIS_URL's, the others the highest free numbers): a flush in one test
file must never drop the messages of a worker started by another.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import require_service, tcp_open


def _redis_db(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


def _own_redis_url(base: str) -> str:
    """`base` for the first (or only) test process, another database for each
    other pytest-xdist worker, never the broker's or the demo run's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    if index == 0:
        return base
    taken = {
        _redis_db(base),
        _redis_db(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")),
        _redis_db(os.environ.get("DEMO_REDIS_URL", "redis://127.0.0.1:6379/14")),
    }
    free = [db for db in range(15, 0, -1) if db not in taken]
    return urlsplit(base)._replace(path=f"/{free[(index - 1) % len(free)]}").geturl()


TEST_REDIS_URL = _own_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))

pytestmark = pytest.mark.integration


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


class Worker:
    def __init__(
        self, *, broker_url: str, mail_dir: Path, log: Path, extra_env: dict | None = None
    ):
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log = log
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Worker":
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=self.broker_url,
            EMAIL_URL="filemail://",
            EMAIL_FILE_PATH=str(self.mail_dir),
            MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
            SITE_URL="http://testserver",
            DEBUG="True",
        )
        env.update(self.extra_env)
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csoprogram",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[offset:].decode(errors="replace")
            if " ready." in text:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{text[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError("worker did not become ready:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def real_services(transactional_db):
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (the worker shares the test database)"
    )
    require_service(tcp_open(TEST_REDIS_URL, 6379), f"Redis at {TEST_REDIS_URL}")


@pytest.fixture
def broker(real_services, settings):
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    yield TEST_REDIS_URL
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(broker, mail_dir, media_root, tmp_path):
    workers: list[Worker] = []

    def _start(*, broker_url: str | None = None, **extra_env) -> Worker:
        worker = Worker(
            broker_url=broker_url or broker,
            mail_dir=mail_dir,
            log=tmp_path / "worker.log",
            extra_env={k: str(v) for k, v in extra_env.items()},
        )
        workers.append(worker)
        return worker.start()

    yield _start
    for w in workers:
        w.stop()


def sent_mail(mail_dir: Path) -> list[str]:
    """Each message the file backend wrote (one file per connection, messages
    separated by a line of dashes)."""
    messages = []
    for f in sorted(mail_dir.glob("*.log")):
        for chunk in f.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(chunk)
    return messages
