"""Access policy of the plans app: every URL, GET and POST, every persona."""

from plans.models import AreaOfFocus, CustomerServicePlan, PlanComment, PlanStatus
from tests.focusgroups.factories import ThemeFactory
from tests.plans.factories import ImpedimentFactory, PlanFactory
from tests.policy import LOGIN, PERSONAS, Rule, department_cso, department_object, same_for_all


def _department(dept, world):
    return {"slug": dept.slug}


def _draft_plan(dept, world):
    return {"pk": PlanFactory(department=dept).pk}


def _draft_plan_without_area(dept, world):
    return {"pk": PlanFactory(department=dept, with_area=False).pk}


def _submitted_plan(dept, world):
    return {"pk": PlanFactory(department=dept, status=PlanStatus.SUBMITTED).pk}


def _approved_plan(dept, world):
    return {"pk": PlanFactory(department=dept, status=PlanStatus.APPROVED).pk}


def _area_in_draft(dept, world):
    return {"pk": PlanFactory(department=dept).areas_of_focus.get().pk}


def _area_in_submitted(dept, world):
    return {"pk": PlanFactory(department=dept, status=PlanStatus.SUBMITTED).areas_of_focus.get().pk}


def _impediment(dept, world):
    return {"pk": ImpedimentFactory(department=dept).pk}


def _cso_comment(dept, world):
    """A comment the department's CSO posted a minute ago (still editable)."""
    cso = department_cso(dept, world)
    plan = PlanFactory(department=dept, status=PlanStatus.SUBMITTED)
    comment = PlanComment.objects.create(plan=plan, author=cso, body="Twice.", plan_version=1)
    return {"pk": comment.pk}


OBJECTS = {
    "cso_comment": _cso_comment,
    "plans_department": _department,
    "draft_plan": _draft_plan,
    "draft_plan_without_area": _draft_plan_without_area,
    "submitted_plan": _submitted_plan,
    "approved_plan": _approved_plan,
    "area_in_draft": _area_in_draft,
    "area_in_submitted": _area_in_submitted,
    "impediment": _impediment,
}


def _plan_edit_data(objects):
    plan = CustomerServicePlan.objects.get(pk=objects["kwargs"]["pk"])
    return {
        "version": plan.version,
        "mission": "Safe vehicles, on time.",
        "vision": plan.vision,
        "strengths": "",
        "opportunities": "",
        "sustainability": "",
    }


def _area_data(objects):
    return {
        "title": "Clear pickup times",
        "description": "",
        "year": 1,
        "status": "planned",
        "themes": [ThemeFactory(name="Communication").pk],
    }


def _area_edit_data(objects):
    area = AreaOfFocus.objects.get(pk=objects["kwargs"]["pk"])
    return {
        "title": "Vehicles back on time, every time",
        "description": "",
        "year": area.year,
        "status": area.status,
        "themes": [t.pk for t in area.themes.all()],
    }


def rule(url_name, obj, allowed, *, ok=200, method="get", data=None, mdo=None):
    """department_object, with the MDO's answer overridden where it depends on
    the plan's state (404 for a plan never submitted)."""
    r = department_object(url_name, obj, allowed=allowed, ok=ok, method=method, data=data or {})
    if mdo is not None:
        r.expect_a["md_office"] = r.expect_b["md_office"] = mdo
    return r


MEMBERS = ("cso", "head", "analyst")
EVERYONE = (*MEMBERS, "ccso", "mdo")

RULES = [
    same_for_all("plans:plan_list"),
    # The program update moved to the program pages; the old address redirects.
    Rule("plans:program_update", dict.fromkeys(PERSONAS, 301) | {"anonymous": LOGIN}),
    # Starting a plan: the department's CSOs only.
    rule("plans:plan_start", "plans_department", ("cso",), ok=302, method="post"),
    rule("plans:plan_start", "plans_department", ("cso",), ok=405),
    # Reading a plan: the department and the CCSO; the MDO once it was submitted.
    rule("plans:plan_detail", "draft_plan", (*MEMBERS, "ccso"), mdo=404),
    rule("plans:plan_detail", "submitted_plan", EVERYONE),
    rule("plans:plan_detail", "approved_plan", EVERYONE),
    rule("plans:plan_history", "draft_plan", (*MEMBERS, "ccso"), mdo=404),
    rule("plans:plan_history", "submitted_plan", EVERYONE),
    # Editing: the department's CSOs, while draft or changes requested.
    rule("plans:plan_edit", "draft_plan", ("cso",), mdo=404),
    rule(
        "plans:plan_edit",
        "draft_plan",
        ("cso",),
        ok=302,
        method="post",
        data=_plan_edit_data,
        mdo=404,
    ),
    rule("plans:plan_edit", "submitted_plan", ()),
    rule("plans:plan_edit", "approved_plan", ()),
    rule("plans:plan_submit", "draft_plan", ("cso",), ok=302, method="post", mdo=404),
    # GET asks for confirmation on a page of its own.
    rule("plans:plan_submit", "draft_plan", ("cso",), mdo=404),
    # Endorsing: the department head.
    rule("plans:plan_endorse", "submitted_plan", ("head",), ok=302, method="post"),
    rule("plans:plan_endorse", "submitted_plan", ("head",), ok=405),
    # Reviewing: the CCSO only.
    rule("plans:plan_request_changes", "submitted_plan", ("ccso",)),
    rule(
        "plans:plan_request_changes",
        "submitted_plan",
        ("ccso",),
        ok=302,
        method="post",
        data={"field": "vision", "comment": "Say who your customers are."},
    ),
    rule("plans:plan_approve", "submitted_plan", ("ccso",), ok=302, method="post"),
    rule("plans:plan_approve", "submitted_plan", ("ccso",)),
    rule("plans:plan_approve", "draft_plan", ("ccso",), ok=302, method="post", mdo=404),
    # The review conversation: CSO, head and CCSO write; analysts and MDO read.
    rule(
        "plans:plan_comment",
        "submitted_plan",
        ("cso", "head", "ccso"),
        ok=302,
        method="post",
        data={"field": "mission", "body": "Looks good."},
    ),
    rule("plans:plan_comment", "submitted_plan", ("cso", "head", "ccso"), ok=405),
    department_object(
        "plans:plan_comment",
        "submitted_plan",
        allowed=("cso", "head", "ccso"),
        method="post",
        data={"body": "Through htmx."},
        htmx=True,
    ),
    # Editing or withdrawing one's own comment, for 15 minutes: its author only.
    rule("plans:plan_comment_edit", "cso_comment", ("cso",)),
    rule(
        "plans:plan_comment_edit",
        "cso_comment",
        ("cso",),
        ok=302,
        method="post",
        data={"body": "Once."},
    ),
    rule("plans:plan_comment_withdraw", "cso_comment", ("cso",)),
    rule("plans:plan_comment_withdraw", "cso_comment", ("cso",), ok=302, method="post"),
    # Areas of focus: written with the plan.
    rule("plans:area_create", "draft_plan", ("cso",), mdo=404),
    rule(
        "plans:area_create",
        "draft_plan_without_area",
        ("cso",),
        ok=302,
        method="post",
        data=_area_data,
        mdo=404,
    ),
    # Withdrawing an area of focus: the department's CSOs, while the plan is editable.
    rule(
        "plans:area_withdraw",
        "area_in_draft",
        ("cso",),
        ok=302,
        method="post",
        data={"reason": "Replaced by another area."},
        mdo=404,
    ),
    rule("plans:area_withdraw", "area_in_draft", ("cso",), mdo=404),
    rule("plans:area_create", "approved_plan", ()),
    rule("plans:area_edit", "area_in_draft", ("cso",), mdo=404),
    rule(
        "plans:area_edit",
        "area_in_draft",
        ("cso",),
        ok=302,
        method="post",
        data=_area_edit_data,
        mdo=404,
    ),
    rule("plans:area_edit", "area_in_submitted", ()),
    rule("plans:area_confirm_progress", "area_in_submitted", ("ccso",)),
    rule(
        "plans:area_confirm_progress",
        "area_in_submitted",
        ("ccso",),
        ok=302,
        method="post",
        data={"note": "Turnaround down from 9 to 6 days at PhillyStat."},
    ),
    # Change management: everyone of the department and program-wide reads.
    rule("plans:change_record", "plans_department", EVERYONE),
    rule(
        "plans:impediment_create",
        "plans_department",
        ("cso", "head"),
        ok=302,
        method="post",
        data={"kind": "pushback", "description": "Front desk staff resist the new script."},
    ),
    rule("plans:impediment_create", "plans_department", ("cso", "head"), ok=405),
    rule(
        "plans:impediment_resolve",
        "impediment",
        ("cso", "head"),
        ok=302,
        method="post",
        data={"resolution": "A second clerk was hired."},
    ),
    rule("plans:impediment_resolve", "impediment", ("cso", "head"), ok=405),
    rule(
        "plans:support_create",
        "plans_department",
        ("head", "ccso", "mdo"),
        ok=302,
        method="post",
        data={"description": "Spoke up for the CSO at the leadership meeting."},
    ),
    # Support and encouragement: the head, the CCSO and the MDO (the only thing it writes).
    rule("plans:support_create", "plans_department", ("head", "ccso", "mdo"), ok=405),
    rule(
        "plans:success_create",
        "plans_department",
        ("cso", "head", "ccso"),
        ok=302,
        method="post",
        data={"title": "Wait time halved", "happened_on": "2026-10-01"},
    ),
    rule("plans:success_create", "plans_department", ("cso", "head", "ccso"), ok=405),
]


# POSTs nobody may make, kept out of RULES because tests/test_security.py
# expects every POST rule there to have a persona who may act. Checked for
# every persona by tests/plans/test_access_extra.py.
REFUSED_POST_RULES = [
    same_for_all("plans:plan_list", 405, method="post"),
    Rule(
        "plans:program_update",
        dict.fromkeys(PERSONAS, 301) | {"anonymous": LOGIN},
        method="post",
    ),
    rule("plans:plan_detail", "submitted_plan", EVERYONE, ok=405, method="post"),
    rule("plans:plan_history", "submitted_plan", EVERYONE, ok=405, method="post"),
    # A CSO saving a plan that left draft meanwhile gets the refusal with their
    # text kept (409), not an error page.
    rule("plans:plan_edit", "approved_plan", ("cso",), ok=409, method="post", data=_plan_edit_data),
    rule("plans:plan_submit", "approved_plan", (), method="post"),
    rule("plans:change_record", "plans_department", EVERYONE, ok=405, method="post"),
]
