"""Plan pages. Thin: get the plan through plans.permissions (404 outside the
department, 403 without the right), call a service, render. Rules live in
services.py; reads in selectors.py. Areas of focus: area_views.py; the
change-management record: change_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from csoprogram.lib import fiscal
from csoprogram.lib.access import methods_after_access, post_only, read_only
from csoprogram.lib.rules import RuleError
from departments import roles

from . import comments as plan_comments
from . import permissions, selectors, services
from .forms import (
    ApproveForm,
    CommentForm,
    CompareVersionsForm,
    EndorseForm,
    PlanForm,
    RequestChangesForm,
)
from .models import PlanStatus

PLAN_SECTIONS = [
    ("mission", "Mission statement"),
    ("vision", "Vision statement"),
    ("strengths", "Strengths"),
    ("opportunities", "Opportunities"),
    ("sustainability", "How the department will sustain the change"),
]


def refused(request, error: RuleError) -> None:
    """A refused action without a form to show it on: a message at the top."""
    messages.error(request, error.text)


def _plan(write=False, act=None):
    return lambda request, pk: permissions.plan_for_user(request.user, pk, write=write, act=act)


def _confirm_or_act(access):
    """An action that asks first: GET shows a confirmation page (works without
    JavaScript), POST acts. Access is checked before either."""
    return methods_after_access(("GET", "HEAD", "POST"), access)


def confirm_page(
    request, plan, *, heading, explanation, button, action, form=None, status=200, **extra
):
    context = {
        "plan": plan,
        "heading": heading,
        "explanation": explanation,
        "button": button,
        "action": action,
        "form": form,
        "cancel_url": extra.pop("cancel_url", plan.get_absolute_url()),
        **extra,
    }
    return render(request, "plans/plan_confirm.html", context, status=status)


# -- plans -----------------------------------------------------------------------


@require_GET
def plan_list(request):
    plans = selectors.plans_visible_to(request.user).order_by("department__name", "-program_year")
    waiting = selectors.plans_waiting_for_review(request.user)
    only_waiting = bool(waiting) and request.GET.get("show") == "waiting"
    if only_waiting:
        plans = plans.filter(status=PlanStatus.SUBMITTED)
    context = {
        "plans": plans,
        "waiting": waiting,
        "only_waiting": only_waiting,
        "is_reviewer": roles.is_ccso(request.user),
        "to_start": selectors.departments_without_current_plan(request.user),
        "program_year": fiscal.current_program_year(),
    }
    return render(request, "plans/plan_list.html", context)


def _department_cso(request, slug):
    department = permissions.change_record_department_for_user(request.user, slug)
    if not roles.is_cso(request.user, department):
        raise PermissionDenied
    return department


@post_only(_department_cso)
def plan_start(request, department, slug):
    try:
        plan = services.plan_create(department=department, user=request.user)
    except RuleError as error:
        refused(request, error)
        return redirect("plans:plan_list")
    messages.success(request, f"The FY{plan.program_year} customer service plan is started.")
    return redirect("plans:plan_edit", pk=plan.pk)


def _plan_page(request, plan, *, status=200, **forms):
    user = request.user
    comments, by_field = selectors.comments_by_field(plan)
    plan_comments.mark_changeable(comments, user)
    can_edit = permissions.can_edit_plan(user, plan)
    is_reviewer = permissions.can_review_plan(user, plan)
    sections = [
        {"name": n, "label": label, "text": getattr(plan, n), "comments": by_field.get(n, [])}
        for n, label in PLAN_SECTIONS
    ]
    newer_year = fiscal.current_program_year() > plan.program_year
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
        "endorse_form": forms.get("endorse_form") or EndorseForm(),
    }
    return render(request, "plans/plan_detail.html", context, status=status)


def _latest_plan_id(plan):
    return plan.department.plans.order_by("-program_year").values_list("pk", flat=True).first()


@read_only(_plan())
def plan_detail(request, plan, pk):
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
            except RuleError as error:
                refused(request, error)
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


@_confirm_or_act(_plan(write=True))
def plan_submit(request, plan, pk):
    if request.method != "POST":
        return confirm_page(
            request,
            plan,
            heading="Submit for review",
            explanation="The Chief Customer Service Officer reviews the plan; it cannot be "
            "edited meanwhile, unless changes are requested.",
            button="Submit for review",
            action=request.path,
        )
    try:
        services.plan_submit(plan=plan, user=request.user)
    except RuleError as error:
        refused(request, error)
    else:
        messages.success(
            request, "The plan is submitted for review by the Chief Customer Service Officer."
        )
    return redirect(plan)


@post_only(_plan(act=permissions.can_endorse_plan))
def plan_endorse(request, plan, pk):
    form = EndorseForm(request.POST)
    form.is_valid()
    try:
        services.plan_endorse(plan=plan, user=request.user, note=form.cleaned_data.get("note", ""))
    except RuleError as error:
        refused(request, error)
    else:
        messages.success(request, "You endorsed the plan.")
    return redirect(plan)


def plan_request_changes(request, pk):
    plan = permissions.plan_for_user(request.user, pk, act=permissions.can_review_plan)
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
            except RuleError as error:
                refused(request, error)
            else:
                messages.success(request, "The plan is returned to the CSO with your comment.")
            return redirect(plan)
        status = 400
    else:
        form = RequestChangesForm(initial={"field": request.GET.get("field", "")})
    return render(
        request, "plans/plan_request_changes.html", {"plan": plan, "form": form}, status=status
    )


@_confirm_or_act(_plan(act=permissions.can_review_plan))
def plan_approve(request, plan, pk):
    if request.method != "POST":
        return confirm_page(
            request,
            plan,
            heading="Approve plan",
            explanation="An approved plan is read-only for the rest of its program year; "
            "the department moves on to reporting on its metrics.",
            button="Approve plan",
            button_class="btn-success",
            action=request.path,
            form=ApproveForm(),
        )
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        services.plan_approve(
            plan=plan, user=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except RuleError as error:
        refused(request, error)
    else:
        messages.success(request, "The customer service plan is approved.")
    return redirect(plan)


@post_only(_plan(act=permissions.can_comment_on_plan))
def plan_comment(request, plan, pk):
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
        plan_comments.mark_changeable(comments, request.user)
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


@read_only(_plan())
def plan_history(request, plan, pk):
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
