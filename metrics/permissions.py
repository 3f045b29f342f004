"""Access to customer service metrics and PhillyStat records.

Who may do what:
- see: the department's people (CSO, head, analyst), the CCSO and the MDO;
- enter values, set baseline/target/band: the department's analysts;
- record, edit and drop commitments: the department's analysts and the CCSO
  (their owners mark them done: metrics.phillystat.permissions);
- propose a metric, copy from the library: the department's CSOs and analysts;
- write the quarterly narrative: the department's CSOs;
- schedule PhillyStat meetings: the department's analysts and the CCSO;
- build review packets on demand: the department's analysts and the CCSO;
- approve corrections of locked periods: the CCSO or a designated approver
  (the permission metrics.approve_valuecorrection).

Another department's records answer 404; people who may see but not act get 403.
"""

from django.core.exceptions import PermissionDenied

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.models import DepartmentRole
from departments.permissions import can_view_department, department_for_user

from .models import Metric, NarrativeCorrection, ValueCorrection

ENTER_VALUES = "enter_values"
EDIT_METRIC = "edit_metric"
PROPOSE_METRIC = "propose_metric"
WRITE_NARRATIVE = "write_narrative"
SCHEDULE_MEETING = "schedule_meeting"
RECORD_COMMITMENT = "record_commitment"
BUILD_PACKET = "build_packet"
# Mark a PhillyStat meeting held; edit and send its follow-up memo.
FOLLOW_UP_MEMO = "follow_up_memo"
APPROVE_CORRECTION = "approve_correction"


def can(user, action: str, department) -> bool:
    """The one answer to "may this user do this in this department?"."""
    if action in (ENTER_VALUES, EDIT_METRIC):
        return roles.is_analyst(user, department)
    if action == PROPOSE_METRIC:
        return roles.has_department_role(
            user, department, DepartmentRole.CSO, DepartmentRole.ANALYST
        )
    if action == WRITE_NARRATIVE:
        return roles.is_cso(user, department)
    if action == APPROVE_CORRECTION:
        # The CCSO, or someone she designates (the permission, given in the admin).
        return roles.is_ccso(user) or (
            user.is_authenticated and user.has_perm("metrics.approve_valuecorrection")
        )
    if action in (SCHEDULE_MEETING, BUILD_PACKET, FOLLOW_UP_MEMO, RECORD_COMMITMENT):
        return roles.is_ccso(user) or (
            department is not None and roles.is_analyst(user, department)
        )
    raise ValueError(f"Unknown action {action!r}")


def require(user, action: str, department) -> None:
    if not can(user, action, department):
        raise PermissionDenied


def can_view_record(user, record) -> bool:
    """A record of a department: visible to whoever may see its department."""
    return record.department.active and can_view_department(user, record.department)


def may(action: str | None):
    """can_act for object_for_user: the action in the record's department."""
    if action is None:
        return None
    return lambda user, record: can(user, action, record.department)


def department_for(user, slug: str, *, action: str | None = None):
    department = department_for_user(user, slug)
    if action:
        require(user, action, department)
    return department


def record_for_user(queryset, user, pk: int, *, action: str | None, not_found: str):
    """A record of a department (metric, meeting, commitment): 404 outside
    the user's departments, 403 without the right to `action`."""
    return object_for_user(
        queryset, user, pk=pk, can_view=can_view_record, can_act=may(action), not_found=not_found
    )


def metric_for_user(user, pk: int, *, action: str | None = None) -> Metric:
    metrics = Metric.objects.select_related("department", "area_of_focus__plan", "owner")
    return record_for_user(metrics, user, pk, action=action, not_found="No such metric.")


def value_correction_for_user(user, pk: int) -> ValueCorrection:
    """A correction to decide: 404 outside the user's departments, 403 for
    anyone but the CCSO and designated approvers."""
    corrections = ValueCorrection.objects.select_related("metric__department", "changed_by")
    return record_for_user(
        corrections, user, pk, action=APPROVE_CORRECTION, not_found="No such correction."
    )


def narrative_correction_for_user(user, pk: int) -> NarrativeCorrection:
    corrections = NarrativeCorrection.objects.select_related(
        "department", "narrative", "requested_by"
    )
    return record_for_user(
        corrections, user, pk, action=APPROVE_CORRECTION, not_found="No such correction."
    )
