"""The main navigation: what each role can use. An entry whose URL name does
not exist (yet) is left out, so apps add their pages here by name."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from departments import roles
from departments.roster.permissions import can_manage_roster
from metrics.permissions import APPROVE_CORRECTION, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    group: str = ""  # items of a group share one drop-down menu


def _anyone(user) -> bool:
    return True


def _department_people(user) -> bool:
    return bool(roles.department_roles(user))


def _cso_or_program(user) -> bool:
    return roles.is_cso(user) or roles.is_program_wide(user)


def _cso_not_program(user) -> bool:
    return roles.is_cso(user) and not roles.is_program_wide(user)


def _approves_corrections(user) -> bool:
    return can(user, APPROVE_CORRECTION, None)


NAV_ITEMS = [
    # Home is the brand's link; My work is what each person does next. Items
    # are grouped into menus so the bar stays on one line at 1280 px for every
    # role (tests/browser/test_layouts.py measures it).
    NavItem("My work", "inbox", _anyone),
    NavItem("Departments", "departments:list", _anyone),
    NavItem("Focus group sessions", "focusgroups:session_list", _anyone, "Focus groups"),
    NavItem("Theme board", "focusgroups:theme_board", _cso_or_program, "Focus groups"),
    NavItem("Plans", "plans:plan_list", _anyone),
    NavItem("Customer service metrics", "metrics:metric_list", _anyone, "Metrics"),
    NavItem("PhillyStat meetings", "metrics:meeting_list", _anyone, "Metrics"),
    NavItem("Review packets", "metrics:packet_list", roles.is_program_wide, "Metrics"),
    NavItem("Corrections to approve", "metrics:corrections", _approves_corrections, "Metrics"),
    NavItem("Program review", "csoprogram:program_review", roles.is_program_wide, "Program"),
    NavItem("Outcomes session", "csoprogram:outcomes_dashboard", roles.is_program_wide, "Program"),
    NavItem("Program update", "csoprogram:program_update", roles.is_program_wide, "Program"),
    NavItem("Program meetings", "csoprogram:meeting_list", roles.is_program_wide, "Program"),
    NavItem("Your training", "training:overview", _cso_not_program),
    NavItem("CSO training", "training:overview", roles.is_program_wide, "Program"),
    NavItem("Roster", "roster:people", can_manage_roster, "Program"),
    NavItem("Audit", "csoprogram:audit", roles.is_ccso, "Program"),
]


def _is_active(url: str, current_path: str, all_urls: list[str]) -> bool:
    """The entry whose URL is the longest prefix of the page's path is the
    current one (the theme board is not also "Focus group sessions")."""
    if url == "/":
        return current_path == "/"
    if not current_path.startswith(url):
        return False
    return not any(len(o) > len(url) and current_path.startswith(o) for o in all_urls)


def nav_for(user, current_path: str) -> list[dict]:
    visible = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        try:
            visible.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    urls = [url for _, url in visible]
    items = []
    for item, url in visible:
        active = _is_active(url, current_path, urls)
        entry = {"label": item.label, "url": url, "active": active}
        if item.group:
            menu = next((i for i in items if i.get("group") == item.group), None)
            if menu is None:
                menu = {"label": item.group, "group": item.group, "children": [], "active": False}
                items.append(menu)
            menu["children"].append(entry)
            menu["active"] = menu["active"] or active
        else:
            items.append(entry)
    # A menu of one item is that item: no drop-down to open for a single link.
    return [i["children"][0] if i.get("children") and len(i["children"]) == 1 else i for i in items]
