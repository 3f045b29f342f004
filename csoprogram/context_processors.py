from django.urls import reverse

from departments import roles

from .inbox.selectors import inbox_count_cached
from .lib.notifications import notifications_unread_count
from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role_names = []
    if roles.is_ccso(user):
        role_names.append("Chief Customer Service Officer")
    if roles.is_mdo(user):
        role_names.append("Managing Director's Office")
    held = (
        set().union(*roles.department_roles(user).values())
        if roles.department_roles(user)
        else set()
    )
    for key, label in (
        ("cso", "CSO"),
        ("head", "Department head"),
        ("analyst", "PhillyStat analyst"),
    ):
        if key in held:
            role_names.append(label)
    nav_items = nav_for(user, request.path)
    for item in nav_items:
        if item.get("url") == reverse("inbox"):
            item["count"] = inbox_count_cached(user)
    return {
        "nav_items": nav_items,
        "user_role_names": role_names,
        "unread_notifications": notifications_unread_count(user),
    }
