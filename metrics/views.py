from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from departments import roles
from departments.selectors import departments_visible_to

from . import charts, fiscal, selectors, services
from .forms import (
    CommitmentForm,
    GridForm,
    ImportForm,
    LibraryCopyForm,
    MeetingForm,
    MeetingYearForm,
    MetricForm,
    NarrativeForm,
    ValueForm,
    suggested_meeting_dates,
)
from .jobs_models import ReviewPacket
from .models import MetricValue, StarterMetric
from .packet_views import can_build as can_build_packet
from .permissions import (
    EDIT_METRIC,
    ENTER_VALUES,
    PROPOSE_METRIC,
    RECORD_COMMITMENT,
    SCHEDULE_MEETING,
    WRITE_NARRATIVE,
    can,
    commitment_for_user,
    department_for,
    meeting_for_user,
    metric_for_user,
)

IMPORT_SESSION_KEY = "metrics_import_csv"


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Metrics -----------------------------------------------------------------


def metric_list(request):
    user = request.user
    metrics = (
        selectors.metrics_visible_to(user).filter(active=True).order_by("department__name", "name")
    )
    by_department = [
        (dept, list(items)) for dept, items in groupby(metrics, key=lambda m: m.department)
    ]
    departments = list(departments_visible_to(user).order_by("name"))
    context = {
        "by_department": by_department,
        "grid_departments": [d for d in departments if can(user, ENTER_VALUES, d)],
        "propose_departments": [d for d in departments if can(user, PROPOSE_METRIC, d)],
        "is_analyst": roles.is_analyst(user),
    }
    return render(request, "metrics/metric_list.html", context)


def metric_detail(request, pk):
    metric = metric_for_user(request.user, pk)
    rows = selectors.metric_value_rows(metric)
    context = {
        "metric": metric,
        "rows": rows,
        "latest": rows[-1].value if rows else None,
        "quarters": (
            selectors.metric_quarter_rollup(metric, rows)
            if metric.frequency == fiscal.MONTHLY
            else []
        ),
        "versions": selectors.metric_versions(metric),
        "can_enter": can(request.user, ENTER_VALUES, metric.department),
        "can_edit": can(request.user, EDIT_METRIC, metric.department),
    }
    return render(request, "metrics/metric_detail.html", context)


def _svg(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    # The SVG is its own document: no scripts at all, only its own <style>.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def metric_chart(request, pk):
    metric = metric_for_user(request.user, pk)
    # A phone gets a narrower drawing, so its labels stay readable.
    size = {"width": 420, "height": 340} if request.GET.get("size") == "small" else {}
    return _svg(charts.metric_trend_svg(metric, list(metric.values.all()), **size))


def metric_sparkline(request, pk):
    metric = metric_for_user(request.user, pk)
    return _svg(charts.metric_sparkline_svg(metric, list(metric.values.all())))


def metric_create(request, slug):
    department = department_for(request.user, slug, action=PROPOSE_METRIC)
    analyst = can(request.user, ENTER_VALUES, department)
    form = MetricForm(request.POST or None, department=department, analyst=analyst)
    if request.method == "POST" and form.is_valid():
        try:
            metric = services.metric_create(
                user=request.user, department=department, data=form.metric_data()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Customer service metric “{metric.name}” added.")
            return redirect(metric)
    return render(
        request,
        "metrics/metric_form.html",
        {"form": form, "department": department, "metric": None, "analyst": analyst},
    )


def metric_edit(request, pk):
    metric = metric_for_user(request.user, pk, action=EDIT_METRIC)
    form = MetricForm(
        request.POST or None,
        instance=metric,
        department=metric.department,
        analyst=True,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.metric_update(
                user=request.user,
                metric=metric,
                data=form.metric_data(),
                effective_from=form.cleaned_data.get("effective_from"),
                change_note=form.cleaned_data.get("change_note", ""),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Customer service metric saved.")
            return redirect(metric)
    return render(
        request,
        "metrics/metric_form.html",
        {"form": form, "department": metric.department, "metric": metric, "analyst": True},
    )


def library(request):
    user = request.user
    departments = [
        d for d in departments_visible_to(user).order_by("name") if can(user, PROPOSE_METRIC, d)
    ]
    forms = [(d, LibraryCopyForm(department=d, prefix=d.slug)) for d in departments]
    return render(
        request,
        "metrics/library.html",
        {"starters": StarterMetric.objects.all(), "copy_forms": forms},
    )


@require_POST
def library_copy(request, slug):
    department = department_for(request.user, slug, action=PROPOSE_METRIC)
    form = LibraryCopyForm(request.POST, department=department, prefix=department.slug)
    if form.is_valid():
        created = services.library_copy(
            user=request.user,
            department=department,
            starters=form.cleaned_data["starters"],
            area_of_focus=form.cleaned_data["area_of_focus"],
        )
        messages.success(
            request,
            f"Copied {len(created)} customer service metric{'s' if len(created) != 1 else ''} "
            f"into {department.display_name}. Set each one's baseline and target.",
        )
        return redirect(reverse("metrics:metric_list"))
    return render(
        request,
        "metrics/library.html",
        {"starters": StarterMetric.objects.all(), "copy_forms": [(department, form)]},
        status=400,
    )


# --- Values --------------------------------------------------------------------


def value_create(request, pk):
    metric = metric_for_user(request.user, pk, action=ENTER_VALUES)
    form = ValueForm(request.POST or None, metric=metric)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, created = services.value_record(
                user=request.user,
                metric=metric,
                period_start=data["period"].start,
                value=data["value"],
                note=data["note"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Value for {data['period'].label} {'saved' if created else 'updated'}.",
            )
            return redirect(metric)
    return render(request, "metrics/value_form.html", {"form": form, "metric": metric})


def _quarter_choices():
    current = fiscal.current_quarter()
    quarters = [current]
    for _ in range(7):
        quarters.append(quarters[-1].previous())
    return quarters


def value_grid(request, slug):
    department = department_for(request.user, slug, action=ENTER_VALUES)
    try:
        quarter = fiscal.parse_period(request.GET.get("quarter", ""))
        if not isinstance(quarter, fiscal.Quarter):
            raise fiscal.PeriodError("not a quarter")
    except fiscal.PeriodError:
        quarter = fiscal.last_completed_quarter()
    metrics = list(department.metrics.filter(active=True).order_by("name"))
    existing = {
        (v.metric_id, v.period_start): v.value
        for v in MetricValue.objects.filter(
            metric__in=metrics, period_start__gte=quarter.start, period_start__lte=quarter.end
        )
    }
    form = GridForm(request.POST or None, metrics=metrics, quarter=quarter, existing=existing)
    if request.method == "POST" and form.is_valid():
        entries = list(form.entries())
        try:
            saved = services.values_save_grid(
                user=request.user,
                department=department,
                entries=entries,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"Saved {saved} value{'s' if saved != 1 else ''} for {quarter.label}."
            )
            return redirect(f"{request.path}?quarter={quarter.code}")
    return render(
        request,
        "metrics/value_grid.html",
        {
            "department": department,
            "quarter": quarter,
            "quarters": _quarter_choices(),
            "form": form,
            "rows": list(form.bound_rows()),
        },
    )


def value_import(request):
    user = request.user
    if not roles.is_analyst(user):
        raise PermissionDenied
    result, form = None, ImportForm()
    if request.method == "POST" and request.POST.get("action") == "import":
        data = request.session.pop(IMPORT_SESSION_KEY, None)
        if data is None:
            messages.error(request, "Upload the file again: the checked file is no longer here.")
            return redirect("metrics:value_import")
        result = services.values_import(user=user, data=data.encode("utf-8"))
        if result.ok:
            messages.success(
                request,
                f"Imported {len(result.rows):,} values ({result.new_count:,} new, "
                f"{len(result.rows) - result.new_count:,} updated).",
            )
            return redirect("metrics:value_import")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > services.MAX_IMPORT_BYTES:
                result = services.ImportResult(
                    errors=[(0, "The file is larger than 5 MB; split it into smaller files.")]
                )
            else:
                data = upload.read()
                result = services.values_import_check(user=user, data=data)
                if result.ok:
                    request.session[IMPORT_SESSION_KEY] = data.decode("utf-8-sig")
                else:
                    request.session.pop(IMPORT_SESSION_KEY, None)
    metrics = (
        selectors.metrics_visible_to(user)
        .filter(active=True, department_id__in=roles.department_ids_with_role(user, "analyst"))
        .order_by("department__name", "name")
    )
    return render(
        request,
        "metrics/value_import.html",
        {
            "form": form,
            "result": result,
            "metrics": metrics,
            "preview": result.rows[:50] if result else [],
        },
    )


# --- PhillyStat meetings --------------------------------------------------------


def meeting_list(request):
    user = request.user
    today = fiscal.today()
    meetings = selectors.meetings_visible_to(user)
    departments = list(departments_visible_to(user).order_by("name"))
    return render(
        request,
        "metrics/meeting_list.html",
        {
            "upcoming": meetings.filter(date__gte=today).order_by("date", "department__name"),
            "past": meetings.filter(date__lt=today).order_by("-date", "department__name")[:50],
            "schedule_departments": [d for d in departments if can(user, SCHEDULE_MEETING, d)],
        },
    )


def meeting_schedule(request, slug):
    department = department_for(request.user, slug, action=SCHEDULE_MEETING)
    current = fiscal.current_quarter()
    year = current.fiscal_year if current.quarter == 1 else current.fiscal_year + 1
    initial = {"fiscal_year": year, **suggested_meeting_dates(year)}
    form = MeetingYearForm(request.POST or None, department=department, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.meetings_schedule_year(
                user=request.user,
                department=department,
                fiscal_year=form.cleaned_data["fiscal_year"],
                dates=form.dates(),
                analyst=form.cleaned_data["analyst"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Scheduled {len(created)} PhillyStat meeting{'s' if len(created) != 1 else ''} "
                f"for {department.display_name}"
                + ("." if len(created) else "; every quarter already had one."),
            )
            return redirect("metrics:meeting_list")
    return render(
        request, "metrics/meeting_schedule.html", {"form": form, "department": department}
    )


def meeting_detail(request, pk):
    meeting = meeting_for_user(request.user, pk)
    report = selectors.quarter_report(meeting.department, meeting.fiscal_quarter)
    can_commit = can(request.user, RECORD_COMMITMENT, meeting.department)
    return render(
        request,
        "metrics/meeting_detail.html",
        {
            "meeting": meeting,
            "report": report,
            "commitments": meeting.commitments.select_related("closed_by"),
            "carried": selectors.carried_commitments(meeting),
            "can_commit": can_commit,
            "commitment_form": CommitmentForm() if can_commit else None,
            "can_write_narrative": can(request.user, WRITE_NARRATIVE, meeting.department),
            "can_schedule": can(request.user, SCHEDULE_MEETING, meeting.department),
            "packet": ReviewPacket.objects.filter(meeting=meeting).first(),
            "can_build_packet": can_build_packet(request.user, meeting.department),
            "reminders": meeting.reminders.select_related("recipient").order_by("created_at"),
        },
    )


def meeting_edit(request, pk):
    meeting = meeting_for_user(request.user, pk, action=SCHEDULE_MEETING)
    form = MeetingForm(
        request.POST or None,
        department=meeting.department,
        initial={"date": meeting.date, "attendees": meeting.attendees, "analyst": meeting.analyst},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "PhillyStat meeting saved.")
            return redirect(meeting)
    return render(request, "metrics/meeting_form.html", {"form": form, "meeting": meeting})


def narrative_edit(request, pk):
    meeting = meeting_for_user(request.user, pk, action=WRITE_NARRATIVE)
    report = selectors.quarter_report(meeting.department, meeting.fiscal_quarter)
    initial = {}
    if report.narrative:
        initial = {
            "what_changed": report.narrative.what_changed,
            "impediments": report.narrative.impediments,
        }
    form = NarrativeForm(request.POST or None, lines=report.lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.narrative_save(
            user=request.user,
            department=meeting.department,
            quarter=meeting.fiscal_quarter,
            what_changed=form.cleaned_data["what_changed"],
            impediments=form.cleaned_data["impediments"],
            notes=form.notes(),
        )
        messages.success(request, f"Quarterly narrative for {meeting.quarter_label} saved.")
        return redirect(meeting)
    return render(
        request, "metrics/narrative_form.html", {"form": form, "meeting": meeting, "report": report}
    )


@require_http_methods(["GET", "POST"])
def commitment_create(request, pk):
    meeting = meeting_for_user(request.user, pk, action=RECORD_COMMITMENT)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.commitment_create(user=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, "Commitment recorded.")
        return redirect(meeting)
    return render(request, "metrics/commitment_form.html", {"form": form, "meeting": meeting})


@require_POST
def commitment_close(request, pk):
    commitment = commitment_for_user(request.user, pk, action=RECORD_COMMITMENT)
    closed = services.commitment_close(user=request.user, commitment=commitment)
    if request.htmx:
        commitment.refresh_from_db()
        return render(
            request,
            "metrics/partials/commitment_row.html",
            {
                "c": commitment,
                "show_meeting": bool(request.POST.get("show_meeting")),
                "can_close": True,
            },
        )
    if closed:
        messages.success(request, "Commitment closed.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/metrics/meetings/") and "//" not in next_url:
        return redirect(next_url)
    return redirect(commitment.meeting)


def meeting_memo(request, pk):
    meeting = meeting_for_user(request.user, pk)
    upcoming = selectors.next_meeting(meeting)
    next_quarter = meeting.fiscal_quarter.next()
    metrics = meeting.department.metrics.filter(active=True).order_by("name")
    return render(
        request,
        "metrics/meeting_memo.html",
        {
            "meeting": meeting,
            "commitments": meeting.commitments.all(),
            "carried": selectors.carried_commitments(meeting),
            "next_meeting": upcoming,
            "next_quarter": next_quarter,
            "metrics_due": metrics.filter(
                ~Q(
                    values__period_start__gte=next_quarter.start,
                    values__period_start__lte=next_quarter.end,
                )
            ).distinct(),
        },
    )
