"""Access to metrics and PhillyStat meetings.

Who may do what:
- see: the department's people (CSO, head, analyst), the CCSO and the MDO;
- enter values, set baseline/target/band, record commitments: the department's analysts;
- propose a metric, copy from the library: the department's CSOs and analysts;
- write the quarterly narrative: the department's CSOs;
- schedule PhillyStat meetings: the department's analysts and the CCSO.

Another department's records answer 404; people who may see but not act get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from departments import roles
from departments.models import DepartmentRole
from departments.permissions import can_view_department, department_for_user

from .models import Commitment, Metric, PhillyStatMeeting

ENTER_VALUES = "enter_values"
EDIT_METRIC = "edit_metric"
PROPOSE_METRIC = "propose_metric"
WRITE_NARRATIVE = "write_narrative"
SCHEDULE_MEETING = "schedule_meeting"
RECORD_COMMITMENT = "record_commitment"


def can(user, action: str, department) -> bool:
    """The one answer to "may this user do this in this department?"."""
    if action in (ENTER_VALUES, EDIT_METRIC, RECORD_COMMITMENT):
        return roles.is_analyst(user, department)
    if action == PROPOSE_METRIC:
        return roles.has_department_role(
            user, department, DepartmentRole.CSO, DepartmentRole.ANALYST
        )
    if action == WRITE_NARRATIVE:
        return roles.is_cso(user, department)
    if action == SCHEDULE_MEETING:
        return roles.is_analyst(user, department) or roles.is_ccso(user)
    raise ValueError(f"Unknown action {action!r}")


def require(user, action: str, department) -> None:
    if not can(user, action, department):
        raise PermissionDenied


def _check(user, department, action: str | None):
    if not can_view_department(user, department) or not department.active:
        raise Http404("Not found.")
    if action:
        require(user, action, department)


def department_for(user, slug: str, *, action: str | None = None):
    department = department_for_user(user, slug)
    if action:
        require(user, action, department)
    return department


def metric_for_user(user, pk: int, *, action: str | None = None) -> Metric:
    try:
        metric = Metric.objects.select_related("department", "area_of_focus", "owner").get(pk=pk)
    except Metric.DoesNotExist:
        raise Http404("No such metric.") from None
    _check(user, metric.department, action)
    return metric


def meeting_for_user(user, pk: int, *, action: str | None = None) -> PhillyStatMeeting:
    try:
        meeting = PhillyStatMeeting.objects.select_related("department", "analyst").get(pk=pk)
    except PhillyStatMeeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    _check(user, meeting.department, action)
    return meeting


def commitment_for_user(user, pk: int, *, action: str | None = None) -> Commitment:
    try:
        commitment = Commitment.objects.select_related("department", "meeting").get(pk=pk)
    except Commitment.DoesNotExist:
        raise Http404("No such commitment.") from None
    _check(user, commitment.department, action)
    return commitment
