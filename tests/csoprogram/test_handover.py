"""The hand-over (issue 16, item 2): when a person leaves, what they own goes
to a successor in one step, and no one is deactivated while they own anything."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csoprogram.handover.providers import PROVIDERS
from csoprogram.handover.selectors import owned_by_person
from csoprogram.handover.services import person_hand_over
from csoprogram.lib.handover import owned_by
from departments import roles
from departments.models import DepartmentAssignment, DepartmentRole, User
from departments.roster.services import person_deactivate
from focusgroups.models import FocusGroupSession
from metrics.models import Commitment, Metric, PhillyStatMeeting, ReminderDelivery
from tests.departments.factories import AssignmentFactory, DepartmentFactory, UserFactory
from tests.focusgroups.factories import SessionFactory
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    ReminderDeliveryFactory,
)
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db

PERSONAS = (
    "cso_fleet",
    "cso_streets",
    "head_fleet",
    "analyst_fleet",
    "analyst_streets",
    "ccso",
    "md_office",
)


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def world(personas, dept_fleet, dept_streets):
    """Each persona owns something beyond their role."""
    soon = timezone.localdate() + datetime.timedelta(days=10)
    for dept, analyst, cso in (
        (dept_fleet, personas["analyst_fleet"], personas["cso_fleet"]),
        (dept_streets, personas["analyst_streets"], personas["cso_streets"]),
    ):
        MetricFactory(department=dept, owner=analyst)
        meeting = PhillyStatMeetingFactory(department=dept, date=soon, analyst=analyst)
        ReminderDeliveryFactory(meeting=meeting, recipient=cso)
        ReminderDeliveryFactory(meeting=meeting, recipient=analyst, kind="analyst")
        SessionFactory(department=dept, facilitator=cso, status="planned", held_on=soon)
        PlanFactory(department=dept, status="submitted")
    fleet_meeting = PhillyStatMeeting.objects.get(department=dept_fleet)
    # Open commitments owned by each kind of person who may own one.
    for owner in ("cso_fleet", "head_fleet", "analyst_fleet", "ccso"):
        CommitmentFactory(meeting=fleet_meeting, owner=personas[owner], due=soon)
    CommitmentFactory(
        meeting=PhillyStatMeeting.objects.get(department=dept_streets),
        owner=personas["cso_streets"],
        due=soon,
    )
    ReminderDeliveryFactory(meeting=fleet_meeting, recipient=personas["head_fleet"], kind="head")
    ReminderDeliveryFactory(
        meeting=fleet_meeting, recipient=personas["ccso"], kind="ccso", offset_days=0
    )
    return personas


def _owned_count(user) -> int:
    return sum(len(items) for _, items in owned_by(PROVIDERS, [user.pk])[user.pk])


def _keys(person) -> list[str]:
    return [i.key for g in owned_by_person(person) for i in g.items]


@pytest.mark.parametrize("name", PERSONAS)
def test_each_persona_in_turn_leaves_nothing_owned_after_the_hand_over(world, admin, name):
    person = world[name]
    owned = _owned_count(person)
    assert owned >= 1
    # Without a hand-over, deactivation is refused and says what they own.
    with pytest.raises(ValidationError) as refused:
        person_deactivate(actor=admin, person=person)
    message = refused.value.messages[0]
    assert "still owns work in the program. Hand it over first" in message
    for group in owned_by_person(person):
        assert group.heading in message
        assert all(i.label in message for i in group.items)
    person.refresh_from_db()
    assert person.is_active

    successor = UserFactory(username=f"successor_of_{name}")
    assert (
        person_hand_over(actor=admin, person=person, successor=successor, keys=_keys(person))
        == owned
    )
    person_deactivate(actor=admin, person=person)
    person.refresh_from_db()
    assert not person.is_active
    assert _owned_count(person) == 0 and owned_by_person(person) == []
    assert _owned_count(successor) == owned
    # Nothing in any owned kind names the inactive person.
    assert not DepartmentAssignment.objects.filter(user=person).exists()
    assert not person.groups.filter(name__in=roles.PROGRAM_GROUPS).exists()
    assert not Metric.objects.filter(owner=person).exists()
    assert not PhillyStatMeeting.objects.filter(analyst=person).exists()
    assert not ReminderDelivery.objects.filter(recipient=person, sent_at=None).exists()
    assert not Commitment.objects.filter(owner=person, status="open").exists()
    assert not FocusGroupSession.objects.filter(facilitator=person, status="planned").exists()


def test_every_persona_deactivated_in_turn_by_one_ccso_leaves_nothing_owned(world, admin):
    """The whole program turns over: each persona hands over to a newcomer
    and is deactivated; at the end no inactive person owns anything."""
    for name in PERSONAS:
        person = User.objects.get(pk=world[name].pk)
        successor = UserFactory(username=f"new_{name}")
        person_hand_over(actor=admin, person=person, successor=successor, keys=_keys(person))
        person_deactivate(actor=admin, person=person)
    inactive = list(User.objects.filter(is_active=False).values_list("pk", flat=True))
    assert len(inactive) == len(PERSONAS)
    assert all(not groups for groups in owned_by(PROVIDERS, inactive).values())


def test_the_page_lists_what_they_own_with_what_comes_with_it(client, world, dept_fleet):
    client.force_login(world["ccso"])
    cso = world["cso_fleet"]
    response = client.get(reverse("csoprogram:person_handover", args=[cso.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Customer Service Officer of Fleet Management" in html
    assert "Quarterly narrative for" in html  # the narrative due comes with the CSO's role
    assert "Focus group sessions to facilitate" in html
    assert "Reminders queued for them" in html
    assert "Open PhillyStat commitments they own" in html
    ccso_page = client.get(reverse("csoprogram:person_handover", args=[world["ccso"].pk]))
    assert "2 customer service plans waiting for review" in ccso_page.content.decode()


def test_the_ccso_hands_over_in_one_step_and_the_history_says_so(client, world, dept_fleet):
    ccso, cso = world["ccso"], world["cso_fleet"]
    successor = UserFactory(username="new_cso", first_name="Nia", last_name="Okafor")
    client.force_login(ccso)
    url = reverse("csoprogram:person_handover", args=[cso.pk])
    response = client.post(url, {"items": _keys(cso), "successor": successor.pk}, follow=True)
    assert response.status_code == 200
    assert "4 items handed over to Nia Okafor." in response.content.decode()
    assert roles.is_cso(User.objects.get(pk=successor.pk), dept_fleet)
    assert Commitment.objects.get(department=dept_fleet, owner=successor).is_open
    assert FocusGroupSession.objects.get(department=dept_fleet).facilitator == successor
    added = DepartmentAssignment.history.filter(user_id=successor.pk, history_type="+").get()
    removed = DepartmentAssignment.history.filter(user_id=cso.pk, history_type="-").get()
    assert added.history_user == ccso and removed.history_user == ccso
    reason = cso.history.order_by("-history_date").first().history_change_reason
    assert reason == "Handed 4 item(s) over to Nia Okafor"
    assert "owns nothing in the program" in response.content.decode()


def test_nothing_ticked_and_no_successor_answers_400_next_to_the_fields(client, world):
    client.force_login(world["ccso"])
    cso = world["cso_fleet"]
    owned_before = _keys(cso)
    response = client.post(reverse("csoprogram:person_handover", args=[cso.pk]), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick at least one thing to hand over." in html
    assert "This field is required." in html
    assert _keys(cso) == owned_before


def test_a_hand_over_is_all_or_nothing(world, admin, dept_fleet):
    """A metric cannot go to someone who is not an analyst of its department:
    the whole step is refused and nothing moves."""
    analyst = world["analyst_fleet"]
    outsider = UserFactory(username="outsider")
    keys = [k for k in _keys(analyst) if not k.startswith("assignment:")]
    with pytest.raises(ValidationError, match="not a PhillyStat analyst of Fleet Management"):
        person_hand_over(actor=admin, person=analyst, successor=outsider, keys=keys)
    assert _owned_count(analyst) == len(_keys(analyst)) and _owned_count(outsider) == 0


def test_the_successor_is_someone_else_and_active(world, admin):
    cso = world["cso_fleet"]
    gone = UserFactory(username="gone", is_active=False)
    for successor, words in ((cso, "someone else"), (gone, "is deactivated")):
        with pytest.raises(ValidationError, match=words):
            person_hand_over(actor=admin, person=cso, successor=successor, keys=_keys(cso))


def test_the_roster_refuses_deactivation_and_names_what_they_own(client, world):
    client.force_login(world["ccso"])
    cso = world["cso_fleet"]
    response = client.post(reverse("roster:person_deactivate", args=[cso.pk]), follow=True)
    html = response.content.decode()
    assert "still owns work in the program" in html
    assert "Customer Service Officer of Fleet Management" in html
    cso.refresh_from_db()
    assert cso.is_active


def test_queued_reminder_the_successor_already_has_is_not_sent_twice(world, admin, dept_fleet):
    cso, other_cso = world["cso_fleet"], UserFactory(username="second_cso")
    AssignmentFactory(user=other_cso, department=dept_fleet, role=DepartmentRole.CSO)
    meeting = PhillyStatMeeting.objects.get(department=dept_fleet)
    ReminderDeliveryFactory(meeting=meeting, recipient=other_cso)
    person_hand_over(actor=admin, person=cso, successor=other_cso, keys=_keys(cso))
    assert ReminderDelivery.objects.filter(meeting=meeting, kind="cso").count() == 1


def test_what_a_person_owns_costs_the_same_queries_for_ten_times_the_departments(admin):
    person = UserFactory(username="busy", groups=[roles.CCSO_GROUP])

    def give(n, start):
        for i in range(start, start + n):
            d = DepartmentFactory(slug=f"busy-{i}")
            for role in DepartmentRole.values:
                AssignmentFactory(user=person, department=d, role=role)
            meeting = PhillyStatMeetingFactory(
                department=d, date=timezone.localdate() + datetime.timedelta(days=3), analyst=person
            )
            MetricFactory(department=d, owner=person)
            ReminderDeliveryFactory(meeting=meeting, recipient=person)
            PlanFactory(department=d, status="draft")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            owned_by_person(User.objects.get(pk=person.pk))
        return len(ctx.captured_queries)

    give(2, 0)
    small = queries()
    give(18, 2)
    assert queries() == small


def test_commitments_go_only_to_someone_who_may_own_them(world, admin, dept_fleet):
    """A commitment's successor is the department's CSO, head or analyst, or
    the CCSO: handed over alone to an outsider, the whole hand-over is refused."""
    cso = world["cso_fleet"]
    key = next(k for k in _keys(cso) if k.startswith("commitment:"))
    outsider = UserFactory(username="outsider")
    with pytest.raises(ValidationError, match="may not own the commitments"):
        person_hand_over(actor=admin, person=cso, successor=outsider, keys=[key])
    assert Commitment.objects.filter(owner=cso).count() == 1
    head = world["head_fleet"]
    assert person_hand_over(actor=admin, person=cso, successor=head, keys=[key]) == 1
    assert Commitment.objects.filter(owner=head).count() == 2
