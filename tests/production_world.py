"""The access-policy world, built in a real database for tests/test_production.py.

Run in a subprocess against the database gunicorn serves (the test's own
process stays on pytest's database):

    python manage.py shell -c "from tests.production_world import main; main()"

with PRODUCTION_WORLD_OUT naming the JSON file to write. It creates the
personas of tests/policy.py (password: tests.factories.TEST_PASSWORD, hashed
with the production hashers of the subprocess) and, for every GET rule of the
policy table, the rule's objects; it writes, per persona, the URLs that
persona must be able to open (expected 200).

test_access_policy.py builds each rule's objects in a fresh transaction; here
they must all live at once, so each rule gets its own pair of departments
(A and B) with the same members: one plan per department and year, one
meeting per quarter and the like never collide.
"""

import json
import os

from django.urls import reverse

from departments.models import DepartmentRole
from departments.roles import CCSO_GROUP, MDO_GROUP
from tests.departments.factories import DepartmentFactory, UserFactory, assign
from tests.policy import PERSONAS
from tests.test_access_policy import OBJECTS, RULES

MEMBERSHIP = {
    "a": [("cso_fleet", DepartmentRole.CSO), ("head_fleet", DepartmentRole.HEAD)]
    + [("analyst_fleet", DepartmentRole.ANALYST)],
    "b": [("cso_streets", DepartmentRole.CSO), ("analyst_streets", DepartmentRole.ANALYST)],
}


def _personas():
    people = {name: UserFactory(username=name) for name in PERSONAS[1:]}
    people["ccso"].groups.add(_group(CCSO_GROUP))
    people["md_office"].groups.add(_group(MDO_GROUP))
    return {"anonymous": None, **people}


def _group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=name)[0]


def _department_pair(index, personas):
    pair = {}
    for side in ("a", "b"):
        dept = DepartmentFactory(
            name=f"Policy department {side.upper()}{index}",
            short_name=f"Policy {side.upper()}{index}",
            slug=f"policy-{side}{index}",
        )
        for username, role in MEMBERSHIP[side]:
            assign(personas[username], dept, role)
        pair[side] = dept
    return pair


def build() -> dict[str, list[dict]]:
    """{persona: [{"rule": id, "url": path, "htmx": bool}, ...]} for every
    GET rule whose expected answer for that persona is 200."""
    personas = _personas()
    world = {"personas": personas}
    pages: dict[str, list[dict]] = {p: [] for p in PERSONAS}
    for index, rule in enumerate(RULES):
        if rule.method != "get":
            continue
        expectations = [("a", rule.expect_a)]
        if rule.obj:
            expectations.append(("b", rule.expect_b))
        if not any(s == 200 for _, expect in expectations for s in expect.values()):
            continue
        pair = _department_pair(index, personas) if rule.obj else None
        for side, expect in expectations:
            if rule.obj:
                url = reverse(rule.url_name, kwargs=OBJECTS[rule.obj](pair[side], world))
            else:
                url = reverse(rule.url_name)
            for persona, status in expect.items():
                if status == 200:
                    pages[persona].append(
                        {"rule": f"{rule.id} ({side.upper()})", "url": url, "htmx": rule.htmx}
                    )
    return pages


def main():
    pages = build()
    with open(os.environ["PRODUCTION_WORLD_OUT"], "w", encoding="utf-8") as out:
        json.dump(pages, out)
