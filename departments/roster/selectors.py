"""Reads for the roster pages: people, departments (archived ones too), and
the timelines built from the history records. Query counts do not grow
with the number of people or departments."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Now

from departments.accounts.models import Invitation
from departments.models import Department, DepartmentAssignment, DepartmentRole, User

PERSON_STATUSES = {
    "active": "Active",
    "invited": "Invited",
    "deactivated": "Deactivated",
}


def _open_invitations():
    return Invitation.objects.filter(
        accepted_at=None, cancelled_at=None, expires_at__gt=Now(), user=OuterRef("pk")
    )


def _assignments_prefetch():
    return Prefetch(
        "assignments",
        queryset=DepartmentAssignment.objects.select_related("department").order_by(
            "department__name", "role"
        ),
    )


def people_for_roster(*, status: str = "", query: str = "") -> QuerySet[User]:
    """Everyone on the roster with their roles; `status` one of PERSON_STATUSES."""
    qs = (
        User.objects.annotate(invited=Exists(_open_invitations()))
        .prefetch_related(_assignments_prefetch(), "groups")
        .order_by("last_name", "first_name", "username")
    )
    if status == "active":
        qs = qs.filter(is_active=True, last_login__isnull=False)
    elif status == "invited":
        qs = qs.filter(is_active=True, last_login=None)
    elif status == "deactivated":
        qs = qs.filter(is_active=False)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(username__icontains=query)
        )
    return qs


def person_for_roster(pk: int) -> User:
    return (
        User.objects.annotate(invited=Exists(_open_invitations()))
        .prefetch_related(_assignments_prefetch(), "groups")
        .get(pk=pk)
    )


def person_status(person: User) -> str:
    if not person.is_active:
        return "Deactivated"
    if person.last_login:
        return "Active"
    if getattr(person, "invited", False):
        return "Invited"
    return "Not signed in yet"


def departments_for_roster() -> list[Department]:
    """Every department, archived ones last, with how many active people hold each role."""
    counts = {
        f"{role}_count": Count(
            "assignments",
            filter=Q(assignments__role=role, assignments__user__is_active=True),
        )
        for role in DepartmentRole.values
    }
    return list(Department.objects.annotate(**counts).order_by("-active", "name"))


def department_assignments(department: Department) -> list[DepartmentAssignment]:
    return list(
        DepartmentAssignment.objects.filter(department=department)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )


# -- timelines -----------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime
    who: User | None
    what: str
    details: list[tuple[str, str, str]] = field(default_factory=list)


PERSON_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail address",
    "username": "User name",
    "sso_only": "Signs in with single sign-on only",
}
DEPARTMENT_FIELDS = {
    "name": "Name",
    "short_name": "Short name",
    "slug": "Web address name",
}


def _shown(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value or "—")


def _entries_from_history(records, fields: dict[str, str], created: str) -> list[TimelineEntry]:
    entries, before = [], None
    for r in records:
        details = []
        if before is not None:
            details = [
                (label, _shown(getattr(before, name)), _shown(getattr(r, name)))
                for name, label in fields.items()
                if getattr(before, name) != getattr(r, name)
            ]
        reason = r.history_change_reason or ""
        before = r
        if r.history_type == "+":
            what = reason or created
        elif reason:
            what = reason
        elif details:
            what = "Details changed"
        else:
            continue  # a save that changed nothing shown here (a password, say)
        entries.append(TimelineEntry(r.history_date, r.history_user, what, details))
    return entries


def _assignment_entry(r, *, name_person: bool) -> TimelineEntry | None:
    role = DepartmentRole(r.role).label if r.role in DepartmentRole.values else r.role
    where = r.department.display_name
    subject = f"{r.user}: " if name_person else ""
    if r.history_type == "+":
        what = f"{subject}appointed {role} of {where}"
    elif r.history_type == "-":
        what = f"{subject}no longer {role} of {where}"
    else:
        return None
    return TimelineEntry(r.history_date, r.history_user, what[0].upper() + what[1:])


def person_timeline(person: User) -> list[TimelineEntry]:
    """What happened to the person on the roster, newest first (4 queries)."""
    entries = _entries_from_history(
        User.history.filter(id=person.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        PERSON_FIELDS,
        created="Added to the roster",
    )
    for r in (
        DepartmentAssignment.history.filter(user_id=person.pk)
        .select_related("history_user", "department")
        .order_by("history_date", "history_id")
    ):
        entry = _assignment_entry(r, name_person=False)
        if entry:
            entries.append(entry)
    for inv in Invitation.objects.filter(user=person).select_related("created_by", "user"):
        entries.append(TimelineEntry(inv.created_at, inv.created_by, "Invitation sent"))
        if inv.accepted_at:
            entries.append(TimelineEntry(inv.accepted_at, inv.user, "Accepted the invitation"))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def department_timeline(department: Department) -> list[TimelineEntry]:
    """Created, renamed, archived, and who was appointed or left; newest first."""
    entries = _entries_from_history(
        Department.history.filter(id=department.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        DEPARTMENT_FIELDS,
        created="Department created",
    )
    for r in (
        DepartmentAssignment.history.filter(department_id=department.pk)
        .select_related("history_user", "department", "user")
        .order_by("history_date", "history_id")
    ):
        entry = _assignment_entry(r, name_person=True)
        if entry:
            entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
