from tests.policy import PERSONAS, Rule, department_cso, department_object, same_for_all


def department(dept, world):
    return {"slug": dept.slug}


def own_notification(dept, world):
    """A notification of the department's CSO: only that person may open it."""
    from csoprogram.lib.notifications import notification_create

    cso = department_cso(dept, world)
    return {"pk": notification_create(user=cso, title="Reminder", url="/").pk}


OBJECTS = {"department": department, "own_notification": own_notification}

RULES = [
    Rule("login", dict.fromkeys(PERSONAS, 200) | dict.fromkeys(PERSONAS[1:], 302)),
    Rule("healthz", dict.fromkeys(PERSONAS, 200)),
    same_for_all("home"),
    same_for_all("inbox"),
    same_for_all("logout", 302, anonymous=302, method="post"),
    same_for_all("password_change"),
    same_for_all("password_change_done"),
    same_for_all("departments:list"),
    same_for_all("profile"),
    same_for_all("profile", 302, method="post", data={"first_name": "Pat"}),
    same_for_all("notification_list"),
    same_for_all("notification_read_all", 302, method="post"),
    same_for_all("notification_preferences"),
    same_for_all(
        "notification_preferences",
        302,
        method="post",
        data={"email_kinds": ["plan_submitted"], "daily_digest": "on"},
    ),
    department_object(
        "notification_open",
        "own_notification",
        allowed=("cso",),
        ok=302,
        member_denied=404,
        program_denied=404,
        method="post",
    ),
    department_object("departments:detail", "department"),
]
