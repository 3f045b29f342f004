"""What a person owns across the program, with what comes with each role
(narratives due with a CSO's role, plans waiting for the CCSO's review). A
fixed number of queries whatever the person owns."""

from __future__ import annotations

from dataclasses import dataclass

from csoprogram.lib.handover import OwnedItem, owned_by
from departments import roles
from departments.models import DepartmentRole, User
from metrics.handover import narratives_due
from plans.models import CustomerServicePlan, PlanStatus

from .providers import PROVIDERS


@dataclass
class OwnedGroup:
    kind: str
    heading: str
    items: list[OwnedItem]


def _plans_in_hand(department_ids) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for dept_id, year, status in CustomerServicePlan.objects.filter(
        department_id__in=department_ids,
        status__in=(PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED),
    ).values_list("department_id", "program_year", "status"):
        notes.setdefault(dept_id, []).append(
            f"Customer service plan FY{year}: {PlanStatus(status).label.lower()}"
        )
    return notes


def _add_notes(groups: list[OwnedGroup]) -> None:
    cso_items = [
        i
        for g in groups
        if g.kind == "assignment"
        for i in g.items
        if i.label.startswith(DepartmentRole.CSO.label)
    ]
    if cso_items:
        ids = [i.department_id for i in cso_items]
        due, plans = narratives_due(ids), _plans_in_hand(ids)
        for i in cso_items:
            i.notes = plans.get(i.department_id, []) + due.get(i.department_id, [])
    for g in groups:
        for i in g.items:
            if g.kind == "program_role" and i.label == roles.CCSO_GROUP:
                waiting = CustomerServicePlan.objects.filter(
                    status=PlanStatus.SUBMITTED, department__active=True
                ).count()
                if waiting:
                    i.notes = [
                        f"{waiting} customer service plan{'s' * (waiting != 1)} waiting for review"
                    ]


def owned_by_person(person: User) -> list[OwnedGroup]:
    groups = [
        OwnedGroup(p.kind, p.heading, items)
        for p, items in owned_by(PROVIDERS, [person.pk])[person.pk]
    ]
    _add_notes(groups)
    return groups


def owned_summary(groups: list[OwnedGroup]) -> str:
    """'Roles in departments: CSO of Fleet; Reminders queued for them: …'"""
    return "; ".join(f"{g.heading}: {', '.join(i.label for i in g.items)}" for g in groups)


def successor_choices(person: User):
    """Everyone active but the person, for the hand-over form."""
    return (
        User.objects.filter(is_active=True)
        .exclude(pk=person.pk)
        .order_by("last_name", "first_name", "username")
    )
