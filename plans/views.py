"""Thin views: get the object through plans.permissions, call a service,
render. Rules live in services.py; reads in selectors.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from departments import roles
from departments.permissions import require_program_wide

from . import permissions, selectors, services
from .forms import (
    ApproveForm,
    AreaOfFocusForm,
    CommentForm,
    CompareVersionsForm,
    ConfirmProgressForm,
    EndorseForm,
    ImpedimentForm,
    PlanForm,
    RequestChangesForm,
    ResolveImpedimentForm,
    SuccessForm,
    SupportForm,
)
from .models import PlanStatus

PLAN_SECTIONS = [
    ("mission", "Mission statement"),
    ("vision", "Vision statement"),
    ("strengths", "Strengths"),
    ("opportunities", "Opportunities"),
    ("sustainability", "How the department will sustain the change"),
]


def _post_only(request):
    """Checked after access, so outsiders still get 404 and not 405."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _read_only(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


def _refused(request, error: services.PlanRuleError) -> None:
    messages.error(request, f"{error.rule} {error.remedy}".strip())


# -- plans -----------------------------------------------------------------------


def plan_list(request):
    if response := _read_only(request):
        return response
    plans = selectors.plans_visible_to(request.user).order_by("department__name", "-program_year")
    context = {
        "plans": plans,
        "to_start": selectors.departments_without_current_plan(request.user),
        "program_year": selectors.current_program_year(),
    }
    return render(request, "plans/plan_list.html", context)


def plan_start(request, slug):
    department = permissions.change_record_department_for_user(request.user, slug)
    if not roles.is_cso(request.user, department):
        raise PermissionDenied
    if response := _post_only(request):
        return response
    try:
        plan = services.plan_create(department=department, user=request.user)
    except services.PlanRuleError as error:
        _refused(request, error)
        return redirect("plans:plan_list")
    messages.success(request, f"The FY{plan.program_year} customer service plan is started.")
    return redirect("plans:plan_edit", pk=plan.pk)


def _plan_page(request, plan, *, status=200, **forms):
    user = request.user
    comments, by_field = selectors.comments_by_field(plan)
    can_edit = permissions.can_edit_plan(user, plan)
    is_reviewer = permissions.can_review_plan(user, plan)
    sections = [
        {"name": n, "label": label, "text": getattr(plan, n), "comments": by_field.get(n, [])}
        for n, label in PLAN_SECTIONS
    ]
    newer_year = selectors.current_program_year() > plan.program_year
    context = {
        "plan": plan,
        "department": plan.department,
        "sections": sections,
        "areas": selectors.areas_with_evidence(plan),
        "area_comments": by_field.get("areas_of_focus", []),
        "comments": comments,
        "timeline": selectors.plan_timeline(plan, limit=8),
        "can_edit": can_edit,
        "can_submit": can_edit,
        "can_endorse": permissions.can_endorse_plan(user, plan)
        and plan.status == PlanStatus.SUBMITTED
        and not plan.endorsed_by_id,
        "can_review": is_reviewer and plan.status == PlanStatus.SUBMITTED,
        "is_ccso": is_reviewer,
        "can_comment": permissions.can_comment_on_plan(user, plan),
        "can_start_next": roles.is_cso(user, plan.department_id)
        and newer_year
        and plan.pk == _latest_plan_id(plan),
        "is_cso": roles.is_cso(user, plan.department_id),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "endorse_form": forms.get("endorse_form") or EndorseForm(),
    }
    return render(request, "plans/plan_detail.html", context, status=status)


def _latest_plan_id(plan):
    return plan.department.plans.order_by("-program_year").values_list("pk", flat=True).first()


def plan_detail(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if response := _read_only(request):
        return response
    return _plan_page(request, plan)


def plan_edit(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    # A CSO whose plan was submitted while they typed still gets their text
    # back (the service refuses the save); everyone else needs edit rights.
    late_cso = request.method == "POST" and roles.is_cso(request.user, plan.department_id)
    if not late_cso and not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    conflict = None
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, instance=plan)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.plan_update(
                    plan=plan,
                    user=request.user,
                    version=data["version"],
                    **{n: data[n] for n, _ in PLAN_SECTIONS},
                )
            except services.PlanConflict as exc:
                conflict = exc
                status = 409
                # Keep what this person typed; point the form at the current
                # version so that saving again, after merging, goes through.
                posted = request.POST.copy()
                posted["version"] = exc.current.version
                form = PlanForm(posted, instance=exc.current)
                form.is_valid()
                plan = exc.current
            except services.PlanRuleError as error:
                _refused(request, error)
                status = 409
            else:
                messages.success(request, "The customer service plan is saved.")
                return redirect(plan)
        else:
            status = 400
    else:
        form = PlanForm(
            instance=plan,
            suggestion=selectors.strengths_and_opportunities_suggestion(department=plan.department),
        )
    _, by_field = selectors.comments_by_field(plan)
    fields = [
        {"field": form[n], "comments": by_field.get(n, []), "suggested": n in form.suggested}
        for n, _ in PLAN_SECTIONS
    ]
    context = {"plan": plan, "form": form, "fields": fields, "conflict": conflict}
    return render(request, "plans/plan_form.html", context, status=status)


def plan_submit(request, pk):
    plan = permissions.plan_for_user(request.user, pk, write=True)
    if response := _post_only(request):
        return response
    try:
        services.plan_submit(plan=plan, user=request.user)
    except services.PlanRuleError as error:
        _refused(request, error)
    else:
        messages.success(
            request, "The plan is submitted for review by the Chief Customer Service Officer."
        )
    return redirect(plan)


def plan_endorse(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if not permissions.can_endorse_plan(request.user, plan):
        raise PermissionDenied
    if response := _post_only(request):
        return response
    form = EndorseForm(request.POST)
    form.is_valid()
    try:
        services.plan_endorse(plan=plan, user=request.user, note=form.cleaned_data.get("note", ""))
    except services.PlanRuleError as error:
        _refused(request, error)
    else:
        messages.success(request, "You endorsed the plan.")
    return redirect(plan)


def plan_request_changes(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if not permissions.can_review_plan(request.user, plan):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = RequestChangesForm(request.POST)
        if form.is_valid():
            try:
                services.plan_request_changes(
                    plan=plan,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    field=form.cleaned_data["field"],
                )
            except services.PlanRuleError as error:
                _refused(request, error)
            else:
                messages.success(request, "The plan is returned to the CSO with your comment.")
            return redirect(plan)
        status = 400
    else:
        form = RequestChangesForm(initial={"field": request.GET.get("field", "")})
    return render(
        request, "plans/plan_request_changes.html", {"plan": plan, "form": form}, status=status
    )


def plan_approve(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if not permissions.can_review_plan(request.user, plan):
        raise PermissionDenied
    if response := _post_only(request):
        return response
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        services.plan_approve(
            plan=plan, user=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except services.PlanRuleError as error:
        _refused(request, error)
    else:
        messages.success(request, "The customer service plan is approved.")
    return redirect(plan)


def plan_comment(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if not permissions.can_comment_on_plan(request.user, plan):
        raise PermissionDenied
    if response := _post_only(request):
        return response
    form = CommentForm(request.POST)
    added = form.is_valid()
    if added:
        services.plan_comment_add(
            plan=plan,
            user=request.user,
            body=form.cleaned_data["body"],
            field=form.cleaned_data["field"],
        )
    if request.htmx:
        # htmx swaps only 2xx answers: the form with its errors comes back as 200.
        comments, _ = selectors.comments_by_field(plan)
        context = {
            "plan": plan,
            "comments": comments,
            "can_comment": True,
            "comment_form": CommentForm() if added else form,
            "added": added,
        }
        return render(request, "plans/partials/conversation.html", context)
    if not added:
        return _plan_page(request, plan, status=400, comment_form=form)
    messages.success(request, "Your comment is added to the review conversation.")
    return redirect(f"{plan.get_absolute_url()}#conversation")


def plan_history(request, pk):
    plan = permissions.plan_for_user(request.user, pk)
    if response := _read_only(request):
        return response
    versions = selectors.plan_versions(plan)
    diff, older, newer = [], None, None
    if "older" in request.GET:
        compare = CompareVersionsForm(request.GET, versions=versions)
        if compare.is_valid():
            ids = sorted([compare.cleaned_data["older"], compare.cleaned_data["newer"]])
            by_id = {v.history_id: v for v in versions}
            older, newer = by_id[ids[0]], by_id[ids[1]]
            diff = selectors.plan_version_diff(plan, older_id=ids[0], newer_id=ids[1])
    else:
        initial = {}
        if len(versions) >= 2:
            initial = {"older": versions[1].history_id, "newer": versions[0].history_id}
        compare = CompareVersionsForm(initial=initial, versions=versions)
    context = {
        "plan": plan,
        "timeline": selectors.plan_timeline(plan),
        "compare": compare,
        "diff": diff,
        "older": older,
        "newer": newer,
    }
    return render(request, "plans/plan_history.html", context)


# -- areas of focus -------------------------------------------------------------------


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


def area_create(request, pk):
    plan = permissions.plan_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = AreaOfFocusForm(request.POST, department=plan.department)
        if form.is_valid():
            themes, items, data = _area_data(form)
            try:
                services.area_of_focus_add(
                    plan=plan, user=request.user, themes=themes, feedback_items=items, **data
                )
            except services.PlanRuleError as error:
                form.add_error(None, f"{error.rule} {error.remedy}".strip())
                return _area_form_page(request, plan, form, status=409)
            messages.success(request, "The area of focus is added to the plan.")
            return redirect(f"{plan.get_absolute_url()}#areas-of-focus")
        return _area_form_page(request, plan, form, status=400)
    year = 2 if plan.areas_of_focus.filter(year=1).exists() else 1
    form = AreaOfFocusForm(department=plan.department, initial={"year": year})
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
                services.area_of_focus_update(
                    area=area, user=request.user, themes=themes, feedback_items=items, **data
                )
            except services.PlanRuleError as error:
                form.add_error(None, f"{error.rule} {error.remedy}".strip())
                return _area_form_page(request, plan, form, area, status=409)
            messages.success(request, "The area of focus is saved.")
            return redirect(f"{plan.get_absolute_url()}#areas-of-focus")
        return _area_form_page(request, plan, form, area, status=400)
    form = AreaOfFocusForm(instance=area, department=plan.department)
    return _area_form_page(request, plan, form, area)


def area_confirm_progress(request, pk):
    area = permissions.area_of_focus_for_user(request.user, pk)
    if not roles.is_ccso(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ConfirmProgressForm(request.POST)
        if form.is_valid():
            services.area_of_focus_confirm_progress(
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


# -- change management -----------------------------------------------------------------


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


def change_record(request, slug):
    department = permissions.change_record_department_for_user(request.user, slug)
    if response := _read_only(request):
        return response
    return _change_page(request, department)


def impediment_create(request, slug):
    department = permissions.change_record_department_for_user(
        request.user, slug, action="impediment"
    )
    if response := _post_only(request):
        return response
    form = ImpedimentForm(request.POST)
    if not form.is_valid():
        return _change_page(request, department, status=400, impediment_form=form)
    services.impediment_create(department=department, user=request.user, **form.cleaned_data)
    messages.success(request, "The impediment is logged.")
    return redirect("plans:change_record", slug=department.slug)


def impediment_resolve(request, pk):
    impediment = permissions.impediment_for_user(request.user, pk, write=True)
    if response := _post_only(request):
        return response
    form = ResolveImpedimentForm(request.POST)
    if form.is_valid():
        try:
            services.impediment_resolve(
                impediment=impediment,
                user=request.user,
                resolution=form.cleaned_data["resolution"],
            )
        except services.PlanRuleError as error:
            _refused(request, error)
        else:
            messages.success(request, "The impediment is marked resolved.")
    else:
        messages.error(request, "Write how the impediment was resolved.")
    return redirect("plans:change_record", slug=impediment.department.slug)


def support_create(request, slug):
    department = permissions.change_record_department_for_user(request.user, slug, action="support")
    if response := _post_only(request):
        return response
    form = SupportForm(request.POST, department=department)
    if not form.is_valid():
        return _change_page(request, department, status=400, support_form=form)
    services.support_record(department=department, user=request.user, **form.cleaned_data)
    messages.success(request, "The support you gave is recorded.")
    return redirect("plans:change_record", slug=department.slug)


def success_create(request, slug):
    department = permissions.change_record_department_for_user(request.user, slug, action="success")
    if response := _post_only(request):
        return response
    form = SuccessForm(request.POST)
    if not form.is_valid():
        return _change_page(request, department, status=400, success_form=form)
    services.success_record(department=department, user=request.user, **form.cleaned_data)
    messages.success(request, "The success is recorded — worth celebrating.")
    return redirect("plans:change_record", slug=department.slug)


def program_update(request):
    require_program_wide(request.user)
    if response := _read_only(request):
        return response
    departments = selectors.program_update(request.user)
    return render(request, "plans/program_update.html", {"departments": departments})
