"""The access policy table: every URL pattern, every persona, expected status.

Each app lists its URLs in tests/<app>/policy.py as RULES (and OBJECTS: how to
make an object of a department for URLs that take one). test_access_policy.py
checks every rule for every persona and fails when a URL pattern has no rule.

Personas (the fixtures of tests/conftest.py): anonymous, cso_fleet, cso_streets,
head_fleet, analyst_fleet, analyst_streets, ccso, md_office (department A is the
Office of Fleet Management, B the Streets Department).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = (
    "anonymous",
    "cso_fleet",
    "cso_streets",
    "head_fleet",
    "analyst_fleet",
    "analyst_streets",
    "ccso",
    "md_office",
)
DEPARTMENT_ROLES = {
    "cso_fleet": "cso",
    "cso_streets": "cso",
    "head_fleet": "head",
    "analyst_fleet": "analyst",
    "analyst_streets": "analyst",
    "ccso": "ccso",
    "md_office": "mdo",
}
MEMBERS = {
    "a": ("cso_fleet", "head_fleet", "analyst_fleet"),
    "b": ("cso_streets", "analyst_streets"),
}
LOGIN = 302  # anonymous users are sent to the login page


@dataclass
class Rule:
    """url_name: "namespace:name". obj: key of an OBJECTS builder, or None for
    URLs without an object. expect_a / expect_b: persona -> status for the
    object of department A / B (expect_b only when obj is set). data: POST
    body, or a callable(objects_of_that_department) -> dict."""

    url_name: str
    expect_a: dict[str, int]
    expect_b: dict[str, int] | None = None
    obj: str | None = None
    method: str = "get"
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    htmx: bool = False

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def same_for_all(
    url_name: str, status: int = 200, *, anonymous: int = LOGIN, method="get", data=None
) -> Rule:
    expect = dict.fromkeys(PERSONAS, status)
    expect["anonymous"] = anonymous
    return Rule(url_name, expect, method=method, data=data or {})


def program_page(
    url_name: str, *, allowed=("ccso", "mdo"), others: int = 403, method="get", data=None
) -> Rule:
    """A page without a department object. allowed: role names among
    cso, head, analyst, ccso, mdo; everyone else gets `others`."""
    expect = {"anonymous": LOGIN}
    for p in PERSONAS[1:]:
        role = DEPARTMENT_ROLES[p]
        expect[p] = 200 if role in allowed else others
    return Rule(url_name, expect, method=method, data=data or {})


def department_object(
    url_name: str,
    obj: str,
    *,
    allowed=("cso", "head", "analyst", "ccso", "mdo"),
    ok: int = 200,
    member_denied: int = 403,
    program_denied: int = 403,
    method: str = "get",
    data=None,
    htmx: bool = False,
) -> Rule:
    """A URL that takes an object of a department. People of the department
    whose role is not allowed get member_denied; people of the other
    department get 404; CCSO/MDO get ok if allowed, else program_denied."""

    def expect_for(dept: str) -> dict[str, int]:
        other = "b" if dept == "a" else "a"
        result = {"anonymous": LOGIN}
        for p in MEMBERS[dept]:
            result[p] = ok if DEPARTMENT_ROLES[p] in allowed else member_denied
        for p in MEMBERS[other]:
            result[p] = 404
        for p in ("ccso", "md_office"):
            result[p] = ok if DEPARTMENT_ROLES[p] in allowed else program_denied
        return result

    return Rule(
        url_name,
        expect_for("a"),
        expect_for("b"),
        obj=obj,
        method=method,
        data=data or {},
        htmx=htmx,
    )


# URL namespaces that are not the program's pages: Django's admin is staff-only
# and has its own permission system.
EXEMPT_NAMESPACES = ("admin",)


def department_cso(dept, world):
    """The CSO persona of `dept`: cso_fleet on side A, cso_streets on side B,
    whatever the department is called (tests/production_world.py gives each
    rule a pair of departments of its own, with the same personas)."""
    from departments.models import DepartmentAssignment, DepartmentRole

    for name in ("cso_fleet", "cso_streets"):
        person = world["personas"][name]
        if DepartmentAssignment.objects.filter(
            user=person, department=dept, role=DepartmentRole.CSO
        ).exists():
            return person
    raise LookupError(f"No CSO persona in {dept}")
