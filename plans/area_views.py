"""Area-of-focus pages: add, edit, withdraw, and the CCSO's confirmation of
progress. The rules are in plans/areas.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from csoprogram.lib.access import methods_after_access
from csoprogram.lib.forms import form_add_error
from csoprogram.lib.rules import RuleError
from departments import roles

from . import areas, permissions, selectors
from .forms import AreaOfFocusForm, ConfirmProgressForm, WithdrawAreaForm
from .models import AreaOfFocus
from .views import confirm_page


def _area_form_page(request, plan, form, area=None, status=200):
    _, by_field = selectors.comments_by_field(plan)
    context = {
        "plan": plan,
        "form": form,
        "area": area,
        # What the reviewer said about the area of focus, next to the form.
        "area_comments": by_field.get("areas_of_focus", []),
    }
    return render(request, "plans/area_form.html", context, status=status)


def _area_data(form):
    data = dict(form.cleaned_data)
    return data.pop("themes"), data.pop("feedback_items"), data


def _status_of(error: RuleError) -> int:
    return 409 if error.rule_code == "conflict" else 400


def area_create(request, pk):
    plan = permissions.plan_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = AreaOfFocusForm(request.POST, department=plan.department)
        if form.is_valid():
            themes, items, data = _area_data(form)
            try:
                areas.area_of_focus_add(
                    plan=plan, user=request.user, themes=themes, feedback_items=items, **data
                )
            except RuleError as error:
                form_add_error(form, error)
                return _area_form_page(request, plan, form, status=_status_of(error))
            messages.success(request, "The area of focus is added to the plan.")
            return redirect(f"{plan.get_absolute_url()}#areas-of-focus")
        return _area_form_page(request, plan, form, status=400)
    has_year_one = (
        plan.areas_of_focus.filter(year=1).exclude(status=AreaOfFocus.Status.WITHDRAWN).exists()
    )
    form = AreaOfFocusForm(department=plan.department, initial={"year": 2 if has_year_one else 1})
    return _area_form_page(request, plan, form)


def area_edit(request, pk):
    area = permissions.area_of_focus_for_user(request.user, pk, write=True)
    plan = area.plan
    if request.method == "POST":
        form = AreaOfFocusForm(request.POST, instance=area, department=plan.department)
        if form.is_valid():
            themes, items, data = _area_data(form)
            # The form wrote its values onto the instance; start from the saved row.
            area.refresh_from_db()
            try:
                areas.area_of_focus_update(
                    area=area, user=request.user, themes=themes, feedback_items=items, **data
                )
            except RuleError as error:
                form_add_error(form, error)
                return _area_form_page(request, plan, form, area, status=_status_of(error))
            messages.success(request, "The area of focus is saved.")
            return redirect(f"{plan.get_absolute_url()}#areas-of-focus")
        return _area_form_page(request, plan, form, area, status=400)
    form = AreaOfFocusForm(instance=area, department=plan.department)
    return _area_form_page(request, plan, form, area)


@methods_after_access(
    ("GET", "HEAD", "POST"),
    lambda request, pk: permissions.area_of_focus_for_user(request.user, pk, write=True),
)
def area_withdraw(request, area, pk):
    """The CSO withdraws an area of focus, saying why, from a page that asks
    first; the reason's error shows next to its field when it is missing."""
    status = 200
    if request.method == "POST":
        form = WithdrawAreaForm(request.POST)
        if form.is_valid():
            try:
                areas.area_of_focus_withdraw(
                    area=area, user=request.user, reason=form.cleaned_data["reason"]
                )
            except RuleError as error:
                form_add_error(form, error)
            else:
                messages.success(
                    request,
                    f"“{area.title}” is withdrawn; it stays in the plan's history. "
                    "You may add another area of focus.",
                )
                return redirect(f"{area.plan.get_absolute_url()}#areas-of-focus")
        status = 400
    else:
        form = WithdrawAreaForm()
    return confirm_page(
        request,
        area.plan,
        heading="Withdraw this area of focus",
        explanation=f"“{area.title}” stays in the plan's history with who, when and why, "
        "and makes room for another one. It cannot be edited afterwards.",
        button="Withdraw this area of focus",
        button_class="btn-outline-danger",
        action=request.path,
        form=form,
        cancel_url=reverse("plans:area_edit", args=[area.pk]),
        status=status,
    )


def area_confirm_progress(request, pk):
    area = permissions.area_of_focus_for_user(
        request.user, pk, act=lambda user, _area: roles.is_ccso(user)
    )
    status = 200
    if request.method == "POST":
        form = ConfirmProgressForm(request.POST)
        if form.is_valid():
            areas.area_of_focus_confirm_progress(
                area=area, user=request.user, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                f"Progress on “{area.title}” is confirmed: the department may add its next "
                "area of focus.",
            )
            return redirect(f"{area.plan.get_absolute_url()}#areas-of-focus")
        status = 400
    else:
        form = ConfirmProgressForm()
    return render(
        request,
        "plans/area_confirm_progress.html",
        {"area": area, "plan": area.plan, "form": form},
        status=status,
    )
