"""Access policy rows for the roster, sign-in and training URLs (issue 16).

Roster pages are the CCSO's: everyone else gets 403 before any record is
looked up. Training: the CCSO runs it, the MDO reads it, CSOs read modules
and their own progress. Sign-in pages answer everyone, logged in or not.
"""

from tests.policy import DEPARTMENT_ROLES, LOGIN, PERSONAS, Rule, department_cso, department_object


def by_role(url_name, *, allowed, ok=200, obj=None, method="get", data=None, others=403):
    expect = {"anonymous": LOGIN}
    for p in PERSONAS[1:]:
        expect[p] = ok if DEPARTMENT_ROLES[p] in allowed else others
    return Rule(
        url_name, expect, dict(expect) if obj else None, obj=obj, method=method, data=data or {}
    )


def everyone(url_name, status=200, *, obj=None, method="get", data=None):
    expect = dict.fromkeys(PERSONAS, status)
    return Rule(
        url_name, expect, dict(expect) if obj else None, obj=obj, method=method, data=data or {}
    )


def _cso(dept, world):
    return department_cso(dept, world)


def roster_person(dept, world):
    return {"pk": _cso(dept, world).pk}


def roster_assignment(dept, world):
    return {"pk": _cso(dept, world).assignments.get(department=dept).pk}


def roster_department(dept, world):
    return {"pk": dept.pk}


def invitation(dept, world):
    from departments.roster.services import person_invite

    _, issued = person_invite(
        actor=world["personas"]["ccso"],
        email=f"new.{dept.slug}@example.org",
        first_name="New",
        last_name="Person",
        department=dept,
        role="cso",
    )
    return {"token": issued.token}


def reset_link(dept, world):
    return {"uidb64": "MQ", "token": "not-a-token"}


def own_token(dept, world):
    from departments.accounts.services import api_token_create

    token, _ = api_token_create(user=_cso(dept, world), name="Script")
    return {"pk": token.pk}


def training_module(dept, world):
    from departments.training.models import TrainingModule

    module, _ = TrainingModule.objects.get_or_create(title="Listening to customers")
    return {"pk": module.pk}


def training_session(dept, world):
    from django.utils import timezone

    from departments.training.models import TrainingModule, TrainingSession

    module, _ = TrainingModule.objects.get_or_create(title="Listening to customers")
    session = TrainingSession.objects.create(
        module=module, starts_at=timezone.now(), place="Room 202", facilitator="R. Lue"
    )
    return {"pk": session.pk}


OBJECTS = {
    "roster_person": roster_person,
    "roster_assignment": roster_assignment,
    "roster_department": roster_department,
    "invitation": invitation,
    "reset_link": reset_link,
    "own_token": own_token,
    "training_module": training_module,
    "training_session": training_session,
}

CCSO = ("ccso",)
TRAINING_READERS = ("cso", "ccso", "mdo")


def _assign(objects):
    return {"department": objects["department"].pk, "role": "head"}


def _completion(objects):
    return {"user": _cso(objects["department"], objects).pk, "completed_on": "2026-01-05"}


RULES = [
    # -- roster --
    by_role("roster:people", allowed=CCSO),
    by_role("roster:person_invite", allowed=CCSO),
    by_role(
        "roster:person_invite",
        allowed=CCSO,
        ok=302,
        method="post",
        data={"first_name": "Pat", "last_name": "Lee", "email": "pat.lee@example.org"},
    ),
    by_role("roster:person_detail", allowed=CCSO, obj="roster_person"),
    by_role("roster:person_edit", allowed=CCSO, obj="roster_person"),
    by_role(
        "roster:person_edit",
        allowed=CCSO,
        ok=302,
        obj="roster_person",
        method="post",
        data=lambda o: {
            "first_name": "Tracey",
            "last_name": "Bryant",
            "email": f"cso.{o['department'].slug}@example.org",
        },
    ),
    by_role("roster:person_deactivate", allowed=CCSO, obj="roster_person"),
    by_role("roster:person_deactivate", allowed=CCSO, ok=302, obj="roster_person", method="post"),
    by_role("roster:person_reactivate", allowed=CCSO, ok=302, obj="roster_person", method="post"),
    by_role(
        "roster:person_invitation_send", allowed=CCSO, ok=302, obj="roster_person", method="post"
    ),
    by_role(
        "roster:program_roles",
        allowed=CCSO,
        ok=302,
        obj="roster_person",
        method="post",
        data={"mdo": "on"},
    ),
    by_role(
        "roster:assignment_add",
        allowed=CCSO,
        ok=302,
        obj="roster_person",
        method="post",
        data=_assign,
    ),
    by_role(
        "roster:assignment_remove", allowed=CCSO, ok=302, obj="roster_assignment", method="post"
    ),
    by_role("roster:department_list", allowed=CCSO),
    by_role("roster:department_create", allowed=CCSO),
    by_role(
        "roster:department_create",
        allowed=CCSO,
        ok=302,
        method="post",
        data={"name": "Department of Records", "short_name": "Records"},
    ),
    by_role("roster:department_detail", allowed=CCSO, obj="roster_department"),
    by_role(
        "roster:department_detail",
        allowed=CCSO,
        ok=302,
        obj="roster_department",
        method="post",
        data=lambda o: {"name": f"Renamed {o['department'].name}", "short_name": "Renamed"},
    ),
    by_role("roster:department_archive", allowed=CCSO, obj="roster_department"),
    by_role(
        "roster:department_archive", allowed=CCSO, ok=302, obj="roster_department", method="post"
    ),
    by_role(
        "roster:department_restore", allowed=CCSO, ok=302, obj="roster_department", method="post"
    ),
    # -- sign-in --
    everyone("accounts:invitation_accept", obj="invitation"),
    # Single sign-on is off unless configured: its URLs answer 404 to everyone.
    everyone("accounts:sso_login", 404),
    everyone("accounts:sso_callback", 404),
    everyone("accounts:password_reset"),
    everyone("accounts:password_reset", 302, method="post", data={"email": "x@example.org"}),
    everyone("accounts:password_reset_done"),
    everyone("accounts:password_reset_confirm", obj="reset_link"),
    everyone("accounts:password_reset_complete"),
    by_role("accounts:token_create", allowed=tuple(DEPARTMENT_ROLES.values())),
    by_role(
        "accounts:token_create",
        allowed=tuple(DEPARTMENT_ROLES.values()),
        method="post",
        data={"name": "Quarterly upload"},
    ),
    # Only the owner finds their token; anybody else's answer is 404.
    department_object(
        "accounts:token_revoke",
        "own_token",
        allowed=("cso",),
        ok=302,
        member_denied=404,
        program_denied=404,
        method="post",
    ),
    # -- training --
    by_role("training:overview", allowed=TRAINING_READERS),
    by_role("training:module_create", allowed=CCSO),
    by_role(
        "training:module_create",
        allowed=CCSO,
        ok=302,
        method="post",
        data={"title": "Handling complaints", "required": "on", "order": "1"},
    ),
    by_role("training:module_detail", allowed=TRAINING_READERS, obj="training_module"),
    by_role("training:module_edit", allowed=CCSO, obj="training_module"),
    by_role(
        "training:completion_add",
        allowed=CCSO,
        ok=302,
        obj="training_module",
        method="post",
        data=_completion,
    ),
    by_role("training:session_create", allowed=CCSO, obj="training_module"),
    by_role("training:session_detail", allowed=("ccso", "mdo"), obj="training_session"),
    by_role("training:session_edit", allowed=CCSO, obj="training_session"),
    by_role("training:attendance", allowed=CCSO, ok=302, obj="training_session", method="post"),
]
