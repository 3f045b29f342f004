"""What a person holds on the roster, for the hand-over (csoprogram.handover):
their department roles and their program roles. Handing one over gives the
successor the role first and then takes it from the person, through the
roster's services, so the history records both."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import Group
from django.urls import reverse

from csoprogram.lib.handover import OwnedItem
from departments import roles
from departments.models import DepartmentAssignment, User

from . import services


class AssignmentProvider:
    """A role in a department (CSO, head, PhillyStat analyst)."""

    kind = "assignment"
    heading = "Roles in departments"

    def owned(self, user_ids):
        result = defaultdict(list)
        for a in (
            DepartmentAssignment.objects.filter(user_id__in=user_ids, department__active=True)
            .select_related("department")
            .order_by("department__name", "role")
        ):
            result[a.user_id].append(
                OwnedItem(
                    self.kind,
                    a.pk,
                    f"{a.get_role_display()} of {a.department.display_name}",
                    department_id=a.department_id,
                    url=reverse("roster:department_detail", kwargs={"pk": a.department_id}),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        assignments = list(
            DepartmentAssignment.objects.filter(user=person, pk__in=pks).select_related(
                "department"
            )
        )
        for a in assignments:
            if not roles.has_department_role(successor, a.department, a.role):
                services.assignment_add(
                    actor=actor, person=successor, department=a.department, role=a.role
                )
            services.assignment_remove(actor=actor, assignment=a)
        return len(assignments)


class ProgramRoleProvider:
    """The program-wide roles: Chief Customer Service Officer, Managing Director's Office."""

    kind = "program_role"
    heading = "Program roles"

    def owned(self, user_ids):
        result = defaultdict(list)
        for uid, group_id, name in User.groups.through.objects.filter(
            user_id__in=user_ids, group__name__in=roles.PROGRAM_GROUPS
        ).values_list("user_id", "group_id", "group__name"):
            result[uid].append(OwnedItem(self.kind, group_id, name))
        return result

    def hand_over(self, *, actor, person, successor, pks):
        groups = list(Group.objects.filter(pk__in=pks, name__in=roles.PROGRAM_GROUPS))
        for group in groups:
            services.program_role_set(
                actor=actor, person=successor, group_name=group.name, held=True
            )
            services.program_role_set(actor=actor, person=person, group_name=group.name, held=False)
        return len(groups)
