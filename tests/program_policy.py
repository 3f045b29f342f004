"""Access policy for the program pages (/program/) and the public pages
(/public/), see tests/policy.py."""

import datetime

from csoprogram.lib import fiscal
from csoprogram.models import DepartmentPublication, ProgramMeetingDepartment
from tests.csoprogram.factories import DepartmentPublicationFactory, ProgramMeetingFactory
from tests.metrics.factories import MetricFactory, add_value
from tests.plans.factories import PlanFactory
from tests.policy import LOGIN, PERSONAS, Rule, department_object, program_page, same_for_all


def _program_wide_only(status_ccso=200, status_mdo=200, others=403) -> dict:
    expect = dict.fromkeys(PERSONAS, others)
    expect.update(anonymous=LOGIN, ccso=status_ccso, md_office=status_mdo)
    return expect


def _everyone(status: int) -> dict:
    return dict.fromkeys(PERSONAS, status)


def department_slug(dept, world):
    return {"slug": dept.slug}


def program_meeting(dept, world):
    meeting = ProgramMeetingFactory(date=datetime.date(2026, 10, 6), agenda=[dept])
    return {"pk": meeting.pk}


def program_meeting_entry(dept, world):
    kwargs = program_meeting(dept, world)
    entry = ProgramMeetingDepartment.objects.get(meeting_id=kwargs["pk"])
    return {"pk": kwargs["pk"], "entry_pk": entry.pk}


def _published(dept):
    p = PlanFactory(department=dept, status="approved")
    metric = MetricFactory(department=dept, area_of_focus=p.areas_of_focus.first())
    add_value(metric, fiscal.last_completed_quarter().start, 22)
    pub = DepartmentPublicationFactory(
        department=dept, status=DepartmentPublication.Status.PUBLISHED
    )
    pub.metrics.add(metric)
    return metric


def published_department(dept, world):
    _published(dept)
    return {"slug": dept.slug}


def unpublished_department(dept, world):
    # An approved plan, but publishing was only requested, never approved.
    PlanFactory(department=dept, status="approved")
    DepartmentPublicationFactory(department=dept)
    return {"slug": dept.slug}


def published_metric(dept, world):
    return {"slug": dept.slug, "pk": _published(dept).pk}


def unpublished_metric(dept, world):
    _published(dept)
    other = MetricFactory(department=dept)  # a metric the department did not choose
    add_value(other, fiscal.last_completed_quarter().start, 22)
    return {"slug": dept.slug, "pk": other.pk}


OBJECTS = {
    "program_department": department_slug,
    "program_meeting": program_meeting,
    "program_meeting_entry": program_meeting_entry,
    "program_published_department": published_department,
    "program_unpublished_department": unpublished_department,
    "program_published_metric": published_metric,
    "program_unpublished_metric": unpublished_metric,
}

ALL = ("cso", "head", "analyst", "ccso", "mdo")


def _meeting_data(objects):
    return {
        "kind": "program_update",
        "date": "2026-12-01",
        "departments": [objects["department"].pk],
    }


def _action_item_data(objects):
    return {"what": "Share the intake script", "owner": "CCSO", "due": "2027-01-15"}


RULES = [
    program_page("csoprogram:program_review"),
    program_page("csoprogram:program_review_csv"),
    program_page("csoprogram:audit", allowed=("ccso",)),
    program_page("csoprogram:audit_csv", allowed=("ccso",)),
    program_page("csoprogram:program_update"),
    same_for_all("csoprogram:outcomes_dashboard"),
    same_for_all("csoprogram:outcomes_presentation"),
    # A card the presentation loads: the dashboard's scope (own department, or all).
    department_object("csoprogram:outcomes_card", "program_department", allowed=ALL),
    program_page("csoprogram:meeting_list"),
    program_page("csoprogram:meeting_create", allowed=("ccso",)),
    Rule(
        "csoprogram:meeting_create",
        _program_wide_only(status_ccso=302, status_mdo=403),
        method="post",
        data=_meeting_data,
    ),
    Rule(
        "csoprogram:meeting_detail",
        _program_wide_only(),
        _program_wide_only(),
        obj="program_meeting",
    ),
    Rule(
        "csoprogram:meeting_move",
        _program_wide_only(status_ccso=302, status_mdo=403),
        _program_wide_only(status_ccso=302, status_mdo=403),
        obj="program_meeting_entry",
        method="post",
        data={"direction": "down"},
    ),
    Rule(
        "csoprogram:action_item_add",
        _program_wide_only(status_ccso=302, status_mdo=403),
        _program_wide_only(status_ccso=302, status_mdo=403),
        obj="program_meeting",
        method="post",
        data=_action_item_data,
    ),
    department_object("csoprogram:freshness", "program_department", allowed=ALL),
    department_object("csoprogram:publication", "program_department", allowed=ALL),
    department_object(
        "csoprogram:publication",
        "program_department",
        allowed=("cso",),
        ok=302,
        method="post",
        data={},
    ),
    department_object(
        "csoprogram:publication_approve",
        "program_department",
        allowed=("ccso",),
        ok=302,
        method="post",
    ),
    department_object(
        "csoprogram:publication_withdraw",
        "program_department",
        allowed=("cso", "ccso"),
        ok=302,
        method="post",
    ),
    same_for_all("public:index", anonymous=200),
    Rule(
        "public:department",
        _everyone(200),
        _everyone(200),
        obj="program_published_department",
    ),
    Rule(
        "public:department",
        _everyone(404),
        _everyone(404),
        obj="program_unpublished_department",
    ),
    Rule(
        "public:metric_sparkline",
        _everyone(200),
        _everyone(200),
        obj="program_published_metric",
    ),
    Rule(
        "public:metric_sparkline",
        _everyone(404),
        _everyone(404),
        obj="program_unpublished_metric",
    ),
]

# -- the hand-over of a person's work (csoprogram.handover): the roster's
# managers only; everyone else 403 before any person is looked up.
from tests.departments.people_policy import CCSO, by_role  # noqa: E402

RULES += [
    by_role("csoprogram:person_handover", allowed=CCSO, obj="roster_person"),
    # Everything ticked, to a newcomer: handed over, back to the page.
    by_role(
        "csoprogram:person_handover",
        allowed=CCSO,
        ok=302,
        obj="roster_person",
        method="post",
        data=lambda objects: _hand_over_everything(objects),
    ),
]


def _hand_over_everything(objects):
    from django.contrib.auth import get_user_model

    from csoprogram.handover.selectors import owned_by_person
    from tests.departments.factories import UserFactory

    person = get_user_model().objects.get(pk=objects["kwargs"]["pk"])
    keys = [item.key for group in owned_by_person(person) for item in group.items]
    return {"items": keys, "successor": UserFactory().pk}


# -- calendars (csoprogram.calendar_feed): a meeting's .ics answers whoever may
# read the meeting (404 for another department's); the private feed answers
# its secret address to anyone (no sign-in: calendar applications have none);
# the profile's renew and revoke are each signed-in person's own.
def calendar_feed_token(dept, world):
    from csoprogram.calendar_feed.services import calendar_feed_renew

    # A person of their own: the production world gives every rule's pair of
    # departments the same personas, and a renewal ends the earlier address.
    from tests.departments.factories import UserFactory

    return {"token": calendar_feed_renew(user=UserFactory())}


OBJECTS["calendar_feed_token"] = calendar_feed_token

RULES += [
    department_object("phillystat_meeting_ics", "meeting"),
    department_object("focus_group_session_ics", "session"),
    Rule("program_meeting_ics", _program_wide_only(), _program_wide_only(), obj="program_meeting"),
    Rule("calendar_feed", _everyone(200), _everyone(200), obj="calendar_feed_token"),
    same_for_all("calendar_feed_renew", 200, method="post"),
    same_for_all("calendar_feed_revoke", 302, method="post"),
]
