"""My work and commitments: each owner sees the open commitments they own,
overdue first, linking to where they mark them done; the CCSO also sees each
department's overdue commitments; nobody sees another department's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csoprogram.inbox.items import URGENT
from csoprogram.inbox.selectors import inbox_for
from csoprogram.lib import fiscal
from departments.models import User
from metrics.phillystat import commitments
from tests.departments.factories import DepartmentFactory, UserFactory, assign
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _commitment(dept, owner, days, what):
    meeting = dept.phillystat_meetings.first() or PhillyStatMeetingFactory(
        department=dept, date=fiscal.today() - 40 * DAY
    )
    return CommitmentFactory(
        meeting=meeting, owner=owner, due=fiscal.today() + days * DAY, what=what
    )


def _commitment_items(user, kind="Commitment"):
    return [i for i in inbox_for(user) if i.kind == kind]


def test_each_owner_sees_their_open_commitments_overdue_first(
    cso_fleet, head_fleet, analyst_fleet, cso_streets, md_office, dept_fleet
):
    later = _commitment(dept_fleet, cso_fleet, 20, "Train two more staff")
    late = _commitment(dept_fleet, cso_fleet, -4, "Publish the queue dashboard")
    done = _commitment(dept_fleet, cso_fleet, -9, "Already done")
    commitments.commitment_close(user=cso_fleet, commitment=done, note="Done.")
    _commitment(dept_fleet, head_fleet, 2, "Ask the MDO for a clerk")
    items = _commitment_items(cso_fleet)
    assert [i.title for i in items] == ["Publish the queue dashboard", "Train two more staff"]
    assert items[0].urgency == URGENT and "overdue since" in items[0].why
    assert items[0].url == reverse("metrics:commitment_close", args=[late.pk])
    assert items[1].url == reverse("metrics:commitment_close", args=[later.pk])
    assert [i.title for i in _commitment_items(head_fleet)] == ["Ask the MDO for a clerk"]
    for nobody in (analyst_fleet, cso_streets, md_office):
        assert _commitment_items(nobody) == []


def test_the_ccso_and_the_head_see_departments_overdue_commitments(
    ccso, cso_fleet, cso_streets, dept_fleet, dept_streets, head_fleet
):
    _commitment(dept_fleet, cso_fleet, -10, "Oldest at Fleet")
    _commitment(dept_fleet, head_fleet, -2, "Newer at Fleet")
    _commitment(dept_fleet, cso_fleet, 5, "Not due yet")
    _commitment(dept_streets, cso_streets, -1, "Late at Streets")
    _commitment(dept_streets, ccso, -3, "The CCSO's own")
    overdue = _commitment_items(ccso, "Commitments")
    titles = sorted(i.title for i in overdue)
    assert titles == [
        f"{dept_fleet.display_name}: 2 commitments overdue",
        f"{dept_streets.display_name}: 1 commitment overdue",
    ]
    fleet = next(i for i in overdue if dept_fleet.display_name in i.title)
    assert "Oldest at Fleet" in fleet.why and "10 days ago" in fleet.why
    assert [i.title for i in _commitment_items(ccso)] == ["The CCSO's own"]
    # The head sees the department's (told when one is overdue), not their own
    # twice and not another department's; a CSO sees only what they own.
    (head_item,) = _commitment_items(head_fleet, "Commitments")
    assert head_item.title == f"{dept_fleet.display_name}: 1 commitment overdue"
    assert "Oldest at Fleet" in head_item.why
    assert _commitment_items(cso_fleet, "Commitments") == []


def test_the_page_shows_the_commitment_and_it_leaves_once_done(client, cso_fleet, dept_fleet):
    c = _commitment(dept_fleet, cso_fleet, -1, "Publish the queue dashboard")
    client.force_login(cso_fleet)
    html = client.get(reverse("inbox")).content.decode()
    assert "Publish the queue dashboard" in html
    assert reverse("metrics:commitment_close", args=[c.pk]) in html
    client.post(reverse("metrics:commitment_close", args=[c.pk]), {"status": "done", "note": "Up."})
    assert "Publish the queue dashboard" not in client.get(reverse("inbox")).content.decode()


def _queries(user) -> int:
    user = User.objects.get(pk=user.pk)  # nothing cached from an earlier call
    with CaptureQueriesContext(connection) as ctx:
        inbox_for(user)
    return len(ctx.captured_queries)


def test_the_commitment_providers_cost_the_same_for_2_and_20_departments(ccso):
    owner = UserFactory(username="owner_everywhere")

    def give(start, n):
        for i in range(start, start + n):
            dept = DepartmentFactory(slug=f"k{i}", name=f"Department k{i}")
            assign(owner, dept, "head")
            _commitment(dept, owner, -3, f"Late {i}")
            _commitment(dept, owner, 4, f"Soon {i}")

    give(0, 2)
    small = (_queries(ccso), _queries(owner))
    give(2, 18)
    assert len(_commitment_items(owner)) == 40
    assert len(_commitment_items(ccso, "Commitments")) == 20
    assert (_queries(ccso), _queries(owner)) == small
