"""Personas and service guards shared by every test.

Personas: department A is the Office of Fleet Management, B the Streets
Department. cso_fleet, head_fleet and analyst_fleet belong to A; cso_streets
and analyst_streets to B; ccso and md_office are program-wide.
"""

import os
import socket
from urllib.parse import urlparse

import pytest

from departments.models import DepartmentRole
from departments.roles import CCSO_GROUP, MDO_GROUP
from tests.departments.factories import DepartmentFactory, UserFactory, assign


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _in_memory_broker(settings):
    # Work queued by a test goes nowhere unless the test asks for a real broker
    # (tests/integration) — never into a developer's var/broker queue.
    settings.CELERY_BROKER_URL = "memory://"


@pytest.fixture(autouse=True)
def _reporting_window_open(settings):
    # Most tests write values and narratives for the last completed quarter,
    # which the production calendar locks 30 days after it ends and once its
    # meeting is held (metrics.locks). They
    # test other rules, so their quarters stay open; the tests of the lock
    # (tests/metrics/test_locks.py) put the production window back.
    settings.METRIC_VALUES_GRACE_DAYS = 100 * 365
    settings.NARRATIVE_GRACE_DAYS = 100 * 365


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    # Packets and uploads written by a test stay in its own temporary folder.
    settings.MEDIA_ROOT = tmp_path / "media"


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(available: bool, what: str) -> None:
    """Skip locally when a real service is missing; fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


def tcp_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def dept_fleet(db):
    return DepartmentFactory(
        name="Office of Fleet Management", short_name="Fleet Management", slug="fleet"
    )


@pytest.fixture
def dept_streets(db):
    return DepartmentFactory(name="Streets Department", short_name="Streets", slug="streets")


@pytest.fixture
def cso_fleet(dept_fleet):
    return assign(
        UserFactory(username="cso_fleet", first_name="Tracey"), dept_fleet, DepartmentRole.CSO
    )


@pytest.fixture
def cso_streets(dept_streets):
    return assign(
        UserFactory(username="cso_streets", first_name="Monique"), dept_streets, DepartmentRole.CSO
    )


@pytest.fixture
def head_fleet(dept_fleet):
    return assign(UserFactory(username="head_fleet"), dept_fleet, DepartmentRole.HEAD)


@pytest.fixture
def analyst_fleet(dept_fleet):
    return assign(UserFactory(username="analyst_fleet"), dept_fleet, DepartmentRole.ANALYST)


@pytest.fixture
def analyst_streets(dept_streets):
    return assign(UserFactory(username="analyst_streets"), dept_streets, DepartmentRole.ANALYST)


@pytest.fixture
def ccso(db):
    return UserFactory(username="ccso", first_name="Rosetta", groups=[CCSO_GROUP])


@pytest.fixture
def md_office(db):
    return UserFactory(username="md_office", first_name="Richard", groups=[MDO_GROUP])


@pytest.fixture
def personas(cso_fleet, cso_streets, head_fleet, analyst_fleet, analyst_streets, ccso, md_office):
    """Every persona of the access policy, by its policy name."""
    return {
        "anonymous": None,
        "cso_fleet": cso_fleet,
        "cso_streets": cso_streets,
        "head_fleet": head_fleet,
        "analyst_fleet": analyst_fleet,
        "analyst_streets": analyst_streets,
        "ccso": ccso,
        "md_office": md_office,
    }
