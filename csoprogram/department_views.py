"""The departments list and a department's page: every department the person
may see with its stage, and one department's work across the program."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from csoprogram.lib.paging import paginate
from departments import roles
from departments.permissions import department_for_user
from departments.selectors import department_people, departments_visible_to
from departments.training.selectors import training_progress
from focusgroups.progress import focus_group_target

from .stage import department_stage, departments_with_stage, stage_steps, with_stage

DEPARTMENTS_PER_PAGE = 50


@require_GET
def department_list(request):
    page = paginate(
        request,
        departments_with_stage(departments_visible_to(request.user)).order_by("name", "pk"),
        per_page=DEPARTMENTS_PER_PAGE,
    )
    context = {"departments": with_stage(page.items), "page": page}
    return render(request, "departments/department_list.html", context)


@require_GET
def department_detail(request, slug):
    department = department_for_user(request.user, slug)
    annotated = departments_with_stage().get(pk=department.pk)
    stage = department_stage(annotated)
    context = {
        "department": annotated,
        "stage": stage,
        "people": department_people(department),
        "training": training_progress([department.pk])[department.pk],
        "is_cso": roles.is_cso(request.user, department),
        "is_analyst": roles.is_analyst(request.user, department),
        "is_ccso": roles.is_ccso(request.user),
        "stage_steps": stage_steps(annotated, stage),
        "focus_group_target": focus_group_target(),
    }
    return render(request, "departments/department_detail.html", context)
