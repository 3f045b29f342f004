from django.conf import settings
from django.shortcuts import render

from . import roles
from .permissions import department_for_user
from .selectors import (
    STAGE_KEYS,
    STAGE_LABELS,
    department_people,
    department_stage,
    departments_visible_to,
    departments_with_stage,
    with_stage,
)


def department_list(request):
    departments = with_stage(
        departments_with_stage(departments_visible_to(request.user)).order_by("name")
    )
    return render(request, "departments/department_list.html", {"departments": departments})


def department_detail(request, slug):
    department = department_for_user(request.user, slug)
    annotated = departments_with_stage().get(pk=department.pk)
    stage = department_stage(annotated)
    context = {
        "department": annotated,
        "stage": stage,
        "people": department_people(department),
        "is_cso": roles.is_cso(request.user, department),
        "is_analyst": roles.is_analyst(request.user, department),
        "is_ccso": roles.is_ccso(request.user),
        "stage_steps": [(k, STAGE_LABELS[k]) for k in STAGE_KEYS],
        "focus_group_target": settings.FOCUS_GROUP_TARGET,
    }
    return render(request, "departments/department_detail.html", context)
