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
from django.http import Http404

from departments import roles
from departments.permissions import can_view_department

from .models import FeedbackItem, FocusGroupSession, Theme


def can_edit_focus_groups(user, department) -> bool:
    return roles.is_cso(user, department)


def session_for_user(user, pk: int, *, write: bool = False) -> FocusGroupSession:
    session = (
        FocusGroupSession.objects.select_related("department", "facilitator")
        .filter(pk=pk, department__active=True)
        .first()
    )
    if session is None or not can_view_department(user, session.department):
        raise Http404("No such focus group session.")
    if write and not can_edit_focus_groups(user, session.department):
        raise PermissionDenied
    return session


def feedback_for_user(user, pk: int, *, write: bool = False) -> FeedbackItem:
    item = (
        FeedbackItem.objects.select_related("session", "department")
        .filter(pk=pk, department__active=True)
        .first()
    )
    if item is None or not can_view_department(user, item.department):
        raise Http404("No such feedback.")
    if write and not can_edit_focus_groups(user, item.department):
        raise PermissionDenied
    return item


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
    theme = Theme.objects.select_related("proposed_for", "merged_into").filter(pk=pk).first()
    if theme is None or not can_see_theme(user, theme):
        raise Http404("No such theme.")
    if manage and not roles.is_ccso(user):
        raise PermissionDenied
    return theme
