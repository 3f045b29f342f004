"""The department's change-management record: impediments met, support and
encouragement from leaders, successes to celebrate."""

from django.contrib import messages
from django.shortcuts import redirect, render

from csoprogram.lib.access import post_only, read_only
from csoprogram.lib.forms import form_submit
from csoprogram.lib.rules import RuleError

from . import change_management, permissions, selectors
from .forms import ImpedimentForm, ResolveImpedimentForm, SuccessForm, SupportForm


def _department_for(action):
    return lambda request, slug: permissions.change_record_department_for_user(
        request.user, slug, action=action
    )


def _change_page(request, department, *, status=200, **forms):
    user = request.user
    can_log = permissions.can_log_impediment(user, department)
    context = {
        "department": department,
        **selectors.change_record(department),
        "can_log": can_log,
        "can_support": permissions.can_record_support(user, department),
        "can_success": permissions.can_record_success(user, department),
        "impediment_form": forms.get("impediment_form") or ImpedimentForm(),
        "support_form": forms.get("support_form") or SupportForm(department=department),
        "success_form": forms.get("success_form") or SuccessForm(),
        "resolve_form": ResolveImpedimentForm(),
    }
    return render(request, "plans/change_record.html", context, status=status)


@read_only(lambda request, slug: permissions.change_record_department_for_user(request.user, slug))
def change_record(request, department, slug):
    return _change_page(request, department)


@post_only(_department_for("impediment"))
def impediment_create(request, department, slug):
    form = ImpedimentForm(request.POST)
    if not form.is_valid():
        return _change_page(request, department, status=400, impediment_form=form)
    change_management.impediment_create(
        department=department, user=request.user, **form.cleaned_data
    )
    messages.success(request, "The impediment is logged.")
    return redirect("plans:change_record", slug=department.slug)


@post_only(lambda request, pk: permissions.impediment_for_user(request.user, pk, write=True))
def impediment_resolve(request, impediment, pk):
    form = ResolveImpedimentForm(request.POST)
    if form.is_valid():
        try:
            change_management.impediment_resolve(
                impediment=impediment,
                user=request.user,
                resolution=form.cleaned_data["resolution"],
            )
        except RuleError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, "The impediment is marked resolved.")
    else:
        messages.error(request, "Write how the impediment was resolved.")
    return redirect("plans:change_record", slug=impediment.department.slug)


@post_only(_department_for("support"))
def support_create(request, department, slug):
    form = SupportForm(request.POST, department=department)
    recorded = form_submit(
        form,
        lambda data: change_management.support_record(
            department=department, user=request.user, **data
        ),
    )
    if recorded is None:
        return _change_page(request, department, status=400, support_form=form)
    messages.success(request, "The support you gave is recorded.")
    return redirect("plans:change_record", slug=department.slug)


@post_only(_department_for("success"))
def success_create(request, department, slug):
    form = SuccessForm(request.POST)
    if not form.is_valid():
        return _change_page(request, department, status=400, success_form=form)
    change_management.success_record(department=department, user=request.user, **form.cleaned_data)
    messages.success(request, "The success is recorded — worth celebrating.")
    return redirect("plans:change_record", slug=department.slug)
