"""The POSTs nobody may make on plans URLs (read-only pages, approved plans),
for every persona, the same way as tests/test_access_policy.py."""

import pytest
from django.urls import reverse

from tests.plans.policy import OBJECTS, REFUSED_POST_RULES
from tests.policy import PERSONAS


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", REFUSED_POST_RULES, ids=lambda r: r.id)
def test_refused_posts(rule, persona, client, personas, dept_fleet, dept_streets):
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    targets = [("a", dept_fleet, rule.expect_a)]
    if rule.obj:
        targets.append(("b", dept_streets, rule.expect_b))
    for side, dept, expect in targets:
        kwargs = OBJECTS[rule.obj](dept, {"personas": personas}) if rule.obj else {}
        url = reverse(rule.url_name, kwargs=kwargs)
        world = {"department": dept, "kwargs": kwargs, "personas": personas}
        data = rule.data(world) if callable(rule.data) else rule.data
        response = client.post(url, data)
        assert response.status_code == expect[persona], (
            f"{rule.id} as {persona} on department {side.upper()}: "
            f"expected {expect[persona]}, got {response.status_code}"
        )
