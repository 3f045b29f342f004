"""Every URL pattern × every persona, from the policy table (tests/policy.py)."""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.policy import EXEMPT_NAMESPACES, PERSONAS

POLICY_MODULES = [
    "tests.departments.policy",
    "tests.departments.people_policy",
    "tests.focusgroups.policy",
    "tests.plans.policy",
    "tests.metrics.policy",
    "tests.program_policy",
    "tests.exports_policy",
]


def _load():
    rules, objects = [], {}
    for name in POLICY_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        rules.extend(getattr(module, "RULES", []))
        objects.update(getattr(module, "OBJECTS", {}))
    return rules, objects


RULES, OBJECTS = _load()


def _url_names(patterns=None, namespace=""):
    """Every routable pattern as "namespace:name" (None for an unnamed one)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}".strip(":") if ns else namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from _url_names(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}".strip(":") if p.name else None
            yield name or f"<unnamed {p.pattern}>"


def test_every_url_pattern_has_a_policy_rule():
    covered = {r.url_name for r in RULES}
    missing = sorted(set(_url_names()) - covered)
    assert not missing, f"URL patterns without an access policy rule: {missing}"


def test_policy_rules_name_existing_urls_and_every_persona():
    names = set(_url_names())
    for rule in RULES:
        assert rule.url_name in names, f"{rule.id}: no such URL pattern"
        assert set(rule.expect_a) == set(PERSONAS), f"{rule.id}: personas missing for A"
        if rule.obj:
            assert rule.obj in OBJECTS, f"{rule.id}: no object builder {rule.obj!r}"
            assert set(rule.expect_b) == set(PERSONAS), f"{rule.id}: personas missing for B"


def _request(client, rule, url, objects):
    data = rule.data(objects) if callable(rule.data) else rule.data
    headers = {"HX-Request": "true"} if rule.htmx else {}
    return getattr(client, rule.method)(url, data, headers=headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_access_policy(rule, persona, client, personas, dept_fleet, dept_streets):
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    world = {"personas": personas}
    targets = [("a", dept_fleet, rule.expect_a)]
    if rule.obj:
        targets.append(("b", dept_streets, rule.expect_b))
    for side, dept, expect in targets:
        if rule.obj:
            kwargs = OBJECTS[rule.obj](dept, world)
            url = reverse(rule.url_name, kwargs=kwargs)
        else:
            kwargs, url = {}, reverse(rule.url_name)
        response = _request(client, rule, url, {"department": dept, "kwargs": kwargs, **world})
        expected = expect[persona]
        assert response.status_code == expected, (
            f"{rule.id} as {persona} on department {side.upper()}: "
            f"expected {expected}, got {response.status_code}"
        )
        if (
            persona == "anonymous"
            and expected == 302
            and rule.url_name
            not in (
                "logout",
                "accounts:password_reset",  # open to anonymous people; answers "check your e-mail"
            )
        ):
            assert response.url.startswith(reverse("login")), response.url
