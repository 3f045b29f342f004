"""Access to focus-group records. People of other departments get 404 (the
record's existence is not revealed); people who may see it but not change it
get 403.

Who may do what:
  - a department's CSOs create, edit and delete its sessions and feedback;
  - the department's other people (head, PhillyStat analyst), the CCSO and the
    MDO read them;
  - the theme list and the theme board are for CSOs, the CCSO and the MDO;
  - only the CCSO adds, renames, accepts, merges or rejects themes.
"""

from django.core.exceptions import PermissionDenied

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.permissions import can_view_department

from .models import FeedbackItem, FocusGroupSession, Theme


def can_edit_focus_groups(user, department) -> bool:
    return roles.is_cso(user, department)


def _record_for_user(queryset, user, pk, *, write: bool, not_found: str):
    """Seen by whoever may see the record's department; changed by its CSOs."""
    return object_for_user(
        queryset.filter(department__active=True),
        user,
        pk=pk,
        can_view=lambda u, r: can_view_department(u, r.department),
        can_act=(lambda u, r: can_edit_focus_groups(u, r.department)) if write else None,
        not_found=not_found,
    )


def session_for_user(user, pk: int, *, write: bool = False) -> FocusGroupSession:
    sessions = FocusGroupSession.objects.select_related("department", "facilitator")
    return _record_for_user(
        sessions, user, pk, write=write, not_found="No such focus group session."
    )


def feedback_for_user(user, pk: int, *, write: bool = False) -> FeedbackItem:
    items = FeedbackItem.objects.select_related("session", "department")
    return _record_for_user(items, user, pk, write=write, not_found="No such feedback.")


def can_see_themes(user) -> bool:
    return roles.is_cso(user) or roles.is_program_wide(user)


def require_theme_reader(user) -> None:
    """The theme list and theme board: CSOs, the CCSO and the MDO."""
    if not can_see_themes(user):
        raise PermissionDenied


def can_see_theme(user, theme: Theme) -> bool:
    if roles.is_program_wide(user) or theme.status == Theme.Status.ACCEPTED:
        return True
    return theme.proposed_for_id is not None and roles.has_department_role(
        user, theme.proposed_for_id
    )


def theme_for_user(user, pk: int, *, manage: bool = False) -> Theme:
    """A theme the user may see; manage=True: only the CCSO may change it.
    A proposal is seen by its department's people and the program-wide roles."""
    return object_for_user(
        Theme.objects.select_related("proposed_for", "merged_into"),
        user,
        pk=pk,
        can_view=can_see_theme,
        can_act=(lambda u, _t: roles.is_ccso(u)) if manage else None,
        not_found="No such theme.",
    )
