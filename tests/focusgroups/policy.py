"""Access policy of the focus-group URLs (see tests/policy.py)."""

from focusgroups.models import Theme
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory
from tests.policy import LOGIN, PERSONAS, Rule, department_object, program_page, same_for_all

READERS = ("cso", "head", "analyst", "ccso", "mdo")


def session(dept, world):
    return {"pk": SessionFactory(department=dept).pk}


def feedback(dept, world):
    return {"pk": FeedbackFactory(session=SessionFactory(department=dept)).pk}


def proposed_theme(dept, world):
    return {
        "pk": ThemeFactory(
            name=f"Parking near {dept.slug}", status=Theme.Status.PROPOSED, proposed_for=dept
        ).pk
    }


def _merge_target(objects):
    return {"into": ThemeFactory(name="Wait times").pk}


SESSION_DATA = {
    "held_on": "2026-10-02",
    "audience": "external",
    "status": "held",
    "participants": "9",
    "location": "Library",
    "notes": "",
}
FEEDBACK_DATA = {
    "text": "The counter line was out the door.",
    "sentiment": "negative",
    "customer_type": "external",
}


def ccso_only(url_name: str, *, ok: int = 302, method: str = "post", data=None) -> Rule:
    expect = dict.fromkeys(PERSONAS, 403)
    expect["anonymous"] = LOGIN
    expect["ccso"] = ok
    return Rule(url_name, expect, method=method, data=data or {})


def accepted_theme(dept, world):
    return {"pk": ThemeFactory(name=f"Signage {dept.slug}").pk}


THEME_READERS = dict.fromkeys(PERSONAS, 403) | {
    "anonymous": LOGIN,
    "cso_fleet": 200,
    "cso_streets": 200,
    "ccso": 200,
    "md_office": 200,
}

OBJECTS = {
    "session": session,
    "feedback": feedback,
    "proposed_theme": proposed_theme,
    "accepted_theme": accepted_theme,
}

RULES = [
    # Sessions: everyone signed in has a (scoped) list.
    same_for_all("focusgroups:session_list"),
    department_object("focusgroups:session_create", "department", allowed=("cso",)),
    department_object(
        "focusgroups:session_create",
        "department",
        allowed=("cso",),
        ok=302,
        method="post",
        data=SESSION_DATA,
    ),
    department_object("focusgroups:session_detail", "session", allowed=READERS),
    department_object("focusgroups:session_edit", "session", allowed=("cso",)),
    department_object(
        "focusgroups:session_edit",
        "session",
        allowed=("cso",),
        ok=302,
        method="post",
        data=SESSION_DATA,
    ),
    department_object("focusgroups:session_delete", "session", allowed=("cso",)),
    department_object(
        "focusgroups:session_delete", "session", allowed=("cso",), ok=302, method="post"
    ),
    # Feedback, entered in place with htmx.
    department_object(
        "focusgroups:feedback_add",
        "session",
        allowed=("cso",),
        method="post",
        data=FEEDBACK_DATA,
        htmx=True,
    ),
    # Bulk import: whoever may add feedback to the session.
    department_object("focusgroups:feedback_import", "session", allowed=("cso",)),
    department_object(
        "focusgroups:feedback_import",
        "session",
        allowed=("cso",),
        method="post",
        data={"action": "check", "rows": "feedback,sentiment\nClear signs at the lot,positive\n"},
    ),
    department_object("focusgroups:feedback_item", "feedback", allowed=READERS, htmx=True),
    department_object("focusgroups:feedback_edit", "feedback", allowed=("cso",), htmx=True),
    department_object(
        "focusgroups:feedback_edit",
        "feedback",
        allowed=("cso",),
        method="post",
        data=FEEDBACK_DATA,
        htmx=True,
    ),
    department_object(
        "focusgroups:feedback_delete", "feedback", allowed=("cso",), method="post", htmx=True
    ),
    # Themes: CSOs, the CCSO and the MDO read; CSOs propose; the CCSO decides.
    program_page("focusgroups:theme_list", allowed=("cso", "ccso", "mdo")),
    department_object(
        "focusgroups:theme_propose",
        "department",
        allowed=("cso",),
        ok=302,
        method="post",
        data=lambda o: {"propose-name": f"Signage at {o['department'].slug}"},
    ),
    ccso_only("focusgroups:theme_create", data={"name": "Signage"}),
    department_object(
        "focusgroups:theme_edit", "proposed_theme", allowed=("ccso",), program_denied=403
    ),
    department_object(
        "focusgroups:theme_accept",
        "proposed_theme",
        allowed=("ccso",),
        ok=302,
        method="post",
    ),
    department_object(
        "focusgroups:theme_reject",
        "proposed_theme",
        allowed=("ccso",),
        ok=302,
        method="post",
    ),
    department_object(
        "focusgroups:theme_merge",
        "proposed_theme",
        allowed=("ccso",),
        ok=302,
        method="post",
        data=_merge_target,
    ),
    # The theme board: CSOs, the CCSO and the MDO.
    program_page("focusgroups:theme_board", allowed=("cso", "ccso", "mdo")),
    # Its drill-down to one theme: an accepted theme for every reader of the
    # board; a proposal only for its department's CSOs and the program roles.
    Rule(
        "focusgroups:theme_board_theme",
        THEME_READERS,
        dict(THEME_READERS),
        obj="accepted_theme",
    ),
    department_object(
        "focusgroups:theme_board_theme", "proposed_theme", allowed=("cso", "ccso", "mdo")
    ),
    # Exports: a department's readers; all departments for the CCSO.
    department_object("focusgroups:department_export", "department", allowed=READERS),
    program_page("focusgroups:export_all", allowed=("ccso",)),
]
