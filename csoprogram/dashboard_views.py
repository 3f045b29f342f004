"""Program pages: the CCSO's program review, data freshness, the
outcomes-session dashboard and its presentation mode, program meetings and
publishing to the public pages."""

import csv

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments import roles
from departments.models import Department
from departments.permissions import department_for_user, require_ccso, require_program_wide
from metrics.models import Metric

from . import dashboards
from .models import (
    DepartmentPublication,
    ProgramActionItem,
    ProgramMeeting,
    ProgramMeetingDepartment,
)
from .stage import STAGE_KEYS, STAGE_LABELS

# -- forms ---------------------------------------------------------------------------


class _Crispy(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReviewFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Any stage")] + [(k, STAGE_LABELS[k]) for k in STAGE_KEYS],
    )
    overdue = forms.BooleanField(label="Overdue commitments", required=False)
    red = forms.BooleanField(label="Metrics off target", required=False)
    stale = forms.BooleanField(label="No recent activity", required=False)
    flagged = forms.BooleanField(label="Needs attention", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("department", "Department"),
            ("stage", "Stage"),
            ("flags", "Most reasons for attention"),
            ("plan_days", "Days in plan status"),
            ("red", "Metrics off target"),
            ("overdue", "Overdue commitments"),
            ("impediments", "Open impediments"),
            ("freshness", "Data freshness (lowest first)"),
        ],
    )


class DashboardFilterForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", required=False, choices=dashboards.STAGE_CHOICES)
    status = forms.ChoiceField(
        label="Metric status", required=False, choices=dashboards.STATUS_CHOICES
    )


class ProgramMeetingForm(forms.ModelForm):
    departments = forms.ModelMultipleChoiceField(
        label="Departments presenting",
        queryset=Department.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="They present in alphabetical order; change the order on the meeting's page.",
    )

    class Meta:
        model = ProgramMeeting
        fields = ["kind", "title", "date", "attendees", "notes"]
        labels = {"kind": "Kind of meeting", "title": "Title (optional)"}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ProgramActionItem
        fields = ["what", "owner", "due", "department"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            meeting.departments.order_by("name") if meeting else Department.objects.none()
        )
        self.fields["department"].empty_label = "The whole program"
        self.helper = FormHelper()
        self.helper.form_tag = False


class PublicationForm(_Crispy):
    metrics = forms.ModelMultipleChoiceField(
        label="Customer service metrics to publish",
        queryset=Metric.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metrics"].queryset = Metric.objects.filter(
            department=department, active=True
        ).order_by("name")


# -- program review ----------------------------------------------------------------------


def _review_rows(request):
    form = ReviewFilterForm(request.GET or None)
    options = form.cleaned_data if form.is_valid() else {}
    rows = dashboards.program_review(request.user)
    shown = dashboards.filter_and_sort_review(
        rows,
        stage=options.get("stage") or "",
        overdue=options.get("overdue", False),
        red=options.get("red", False),
        stale=options.get("stale", False),
        flagged=options.get("flagged", False),
        sort=options.get("sort") or "department",
    )
    return form, rows, shown


def _without(params, key: str) -> str:
    params = params.copy()
    params.pop(key, None)
    return params.urlencode()


@require_GET
def program_review(request):
    require_program_wide(request.user)
    form, rows, shown = _review_rows(request)
    context = {
        "form": form,
        "rows": shown,
        "total": len(rows),
        "flagged": sum(1 for r in rows if r.flags),
        "quarter": dashboards.fiscal.last_completed_quarter(),
        "query": request.GET.urlencode(),
        "filter_query": _without(request.GET, "sort"),
        "sort": form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "",
        "is_ccso": roles.is_ccso(request.user),
        "focus_group_target": settings.FOCUS_GROUP_TARGET,
    }
    return render(request, "csoprogram/program_review.html", context)


@require_GET
def program_review_csv(request):
    require_program_wide(request.user)
    _, _, shown = _review_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="program-review-{stamp}.csv"'
    writer = csv.writer(response)
    for line in dashboards.review_csv_rows(shown):
        writer.writerow([dashboards.csv_safe(cell) for cell in line])
    return response


@require_GET
def department_freshness(request, slug):
    department = department_for_user(request.user, slug)
    trend = dashboards.department_freshness(department)
    return render(
        request,
        "csoprogram/department_freshness.html",
        {"department": department, "current": trend[0], "trend": trend},
    )


# -- outcomes-session dashboard ------------------------------------------------------------


def _dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    options = form.cleaned_data if form.is_valid() else {}
    try:
        meeting_id = int(request.GET.get("meeting", "") or 0) or None
    except ValueError:
        meeting_id = None
    data = dashboards.outcomes_dashboard(
        request.user,
        meeting_id=meeting_id,
        stage=options.get("stage") or "",
        status=options.get("status") or "",
    )
    return form, data


@require_GET
def outcomes_dashboard(request):
    form, data = _dashboard(request)
    params = request.GET.copy()
    params.pop("slide", None)
    return render(
        request,
        "csoprogram/outcomes_dashboard.html",
        {"form": form, "dash": data, "query": params.urlencode()},
    )


@require_GET
def outcomes_presentation(request):
    form, data = _dashboard(request)
    params = request.GET.copy()
    params.pop("slide", None)
    return render(
        request,
        "csoprogram/outcomes_presentation.html",
        {"dash": data, "query": params.urlencode()},
    )


# -- program meetings ------------------------------------------------------------------------


@require_GET
def meeting_list(request):
    require_program_wide(request.user)
    return render(
        request,
        "csoprogram/meeting_list.html",
        {"meetings": dashboards.program_meetings(), "is_ccso": roles.is_ccso(request.user)},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_ccso(request.user)
    form = ProgramMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.created_by = request.user
            meeting.save()
            for i, d in enumerate(form.cleaned_data["departments"], start=1):
                ProgramMeetingDepartment.objects.create(meeting=meeting, department=d, order=i)
        messages.success(request, f"{meeting} recorded.")
        return redirect("csoprogram:meeting_detail", pk=meeting.pk)
    return render(request, "csoprogram/meeting_form.html", {"form": form})


@require_GET
def meeting_detail(request, pk):
    require_program_wide(request.user)
    meeting = get_object_or_404(ProgramMeeting, pk=pk)
    detail = dashboards.program_meeting_detail(meeting, request.user)
    is_ccso = roles.is_ccso(request.user)
    return render(
        request,
        "csoprogram/meeting_detail.html",
        {
            "meeting": meeting,
            "is_ccso": is_ccso,
            "item_form": ActionItemForm(meeting=meeting) if is_ccso else None,
            **detail,
        },
    )


@require_POST
def meeting_move(request, pk, entry_pk):
    """Move a presenting department one place earlier or later in the agenda."""
    require_ccso(request.user)
    meeting = get_object_or_404(ProgramMeeting, pk=pk)
    entry = get_object_or_404(ProgramMeetingDepartment, pk=entry_pk, meeting=meeting)
    direction = request.POST.get("direction")
    with transaction.atomic():
        agenda = list(meeting.agenda.select_for_update())
        index = next(i for i, a in enumerate(agenda) if a.pk == entry.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(agenda):
            agenda[index], agenda[other] = agenda[other], agenda[index]
            for order, a in enumerate(agenda, start=1):
                if a.order != order:
                    a.order = order
                    a.save(update_fields=["order"])
    return redirect("csoprogram:meeting_detail", pk=meeting.pk)


@require_POST
def action_item_add(request, pk):
    require_ccso(request.user)
    meeting = get_object_or_404(ProgramMeeting, pk=pk)
    form = ActionItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        item = form.save(commit=False)
        item.meeting = meeting
        item.save()
        messages.success(request, "Action item added.")
        return redirect("csoprogram:meeting_detail", pk=meeting.pk)
    detail = dashboards.program_meeting_detail(meeting, request.user)
    return render(
        request,
        "csoprogram/meeting_detail.html",
        {"meeting": meeting, "is_ccso": True, "item_form": form, **detail},
        status=400,
    )


# -- publishing ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def publication(request, slug):
    """A department's public page: the CSO asks to publish (choosing metrics),
    the CCSO approves; everyone of the department and the program can look."""
    department = department_for_user(request.user, slug)
    pub = DepartmentPublication.objects.filter(department=department).first()
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        department=department,
        initial={"metrics": list(pub.metrics.all()) if pub else []},
    )
    if request.method == "POST":
        if not roles.is_cso(request.user, department):
            raise PermissionDenied
        if form.is_valid():
            pub, _ = DepartmentPublication.objects.get_or_create(department=department)
            pub.status = DepartmentPublication.Status.REQUESTED
            pub.requested_by = request.user
            pub.requested_at = timezone.now()
            pub.approved_by, pub.approved_at = None, None
            pub.save()
            pub.metrics.set(form.cleaned_data["metrics"])
            messages.success(
                request, "Publishing requested. The Chief Customer Service Officer approves it."
            )
            return redirect("csoprogram:publication", slug=department.slug)
    has_approved_plan = department.plans.filter(status="approved").exists()
    return render(
        request,
        "csoprogram/publication.html",
        {
            "department": department,
            "publication": pub,
            "form": form,
            "can_request": roles.is_cso(request.user, department),
            "is_ccso": roles.is_ccso(request.user),
            "has_approved_plan": has_approved_plan,
        },
    )


@require_POST
def publication_approve(request, slug):
    department = department_for_user(request.user, slug)
    require_ccso(request.user)
    updated = DepartmentPublication.objects.filter(
        department=department, status=DepartmentPublication.Status.REQUESTED
    ).update(
        status=DepartmentPublication.Status.PUBLISHED,
        approved_by=request.user,
        approved_at=timezone.now(),
    )
    if updated:
        messages.success(request, f"{department.display_name}'s public page is published.")
    else:
        messages.info(request, "There was no request to publish waiting.")
    return redirect("csoprogram:publication", slug=department.slug)


@require_POST
def publication_withdraw(request, slug):
    department = department_for_user(request.user, slug)
    if not (roles.is_ccso(request.user) or roles.is_cso(request.user, department)):
        raise PermissionDenied
    DepartmentPublication.objects.filter(department=department).exclude(
        status=DepartmentPublication.Status.WITHDRAWN
    ).update(status=DepartmentPublication.Status.WITHDRAWN)
    messages.success(request, "The public page is withdrawn.")
    return redirect("csoprogram:publication", slug=department.slug)


# -- program update (change management) ---------------------------------------------------


@require_GET
def program_update(request):
    require_program_wide(request.user)
    return render(
        request,
        "csoprogram/program_update.html",
        {"departments": dashboards.program_update_departments(request.user)},
    )
