"""Metric pages: the list, a metric with its values and chart, definitions,
the starter library, values by form, grid and CSV. PhillyStat pages are in
metrics/phillystat/views.py."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from csoprogram.lib import fiscal, table_import
from csoprogram.lib.access import post_only, read_only
from csoprogram.lib.forms import form_add_error
from csoprogram.lib.paging import paginate
from departments import roles
from departments.models import Department
from departments.selectors import departments_visible_to
from departments.uploads.services import (
    checked_upload_discard,
    checked_upload_for_user,
    checked_upload_keep,
)

from . import charts, imports, locks, selectors, services
from .forms import (
    GridForm,
    ImportForm,
    LibraryCopyForm,
    MetricForm,
    TrajectoryForm,
    ValueForm,
)
from .models import MetricValue, StarterMetric
from .permissions import (
    EDIT_METRIC,
    ENTER_VALUES,
    PROPOSE_METRIC,
    can,
    department_for,
    metric_for_user,
)
from .timelines import metric_timeline

IMPORT_KIND = "metric-values"
# The metrics list shows this many departments' metrics a page (about 100 KiB
# at ten metrics each).
DEPARTMENTS_PER_PAGE = 15
_form_errors = form_add_error


# --- Metrics -----------------------------------------------------------------


@require_GET
def metric_list(request):
    user = request.user
    visible = selectors.metrics_visible_to(user).filter(active=True)
    # A page of departments (those with an active metric, by name), then only
    # their metrics: the list stays small however many departments there are.
    page = paginate(
        request,
        Department.objects.filter(pk__in=visible.values("department_id"))
        .order_by("name", "pk")
        .values_list("pk", flat=True),
        per_page=DEPARTMENTS_PER_PAGE,
    )
    metrics = selectors.hide_unsubmitted_areas(
        user,
        visible.filter(department_id__in=page.items).order_by("department__name", "name"),
    )
    by_department = [
        (dept, list(items)) for dept, items in groupby(metrics, key=lambda m: m.department)
    ]
    departments = list(departments_visible_to(user).order_by("name"))
    context = {
        "page": page,
        "by_department": by_department,
        "grid_departments": [d for d in departments if can(user, ENTER_VALUES, d)],
        "propose_departments": [d for d in departments if can(user, PROPOSE_METRIC, d)],
        "is_analyst": roles.is_analyst(user),
    }
    return render(request, "metrics/metric_list.html", context)


@read_only(lambda request, pk: metric_for_user(request.user, pk))
def metric_detail(request, metric, pk):
    selectors.hide_unsubmitted_areas(request.user, [metric])
    rows = selectors.metric_value_rows(metric)
    context = {
        "metric": metric,
        "rows": rows,
        "latest": rows[-1].value if rows else None,
        "quarters": selectors.metric_quarter_rows(metric, rows),
        "versions": selectors.metric_versions(metric),
        "late_pending": selectors.metric_late_values_pending(metric),
        "timeline": metric_timeline(metric),
        "can_enter": can(request.user, ENTER_VALUES, metric.department),
        "can_edit": can(request.user, EDIT_METRIC, metric.department),
    }
    return render(request, "metrics/metric_detail.html", context)


def metric_trajectory(request, pk):
    metric = metric_for_user(request.user, pk, action=EDIT_METRIC)
    form = TrajectoryForm(request.POST or None, metric=metric)
    if request.method == "POST" and form.is_valid():
        try:
            services.metric_update(
                user=request.user,
                metric=metric,
                data={"interim_targets": form.interim_targets()},
                effective_from=form.cleaned_data.get("effective_from"),
                change_note=form.cleaned_data["change_note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Trajectory saved as a new version of the definition.")
            return redirect(metric)
    return render(request, "metrics/trajectory_form.html", {"form": form, "metric": metric})


def _svg(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    # The SVG is its own document: no scripts at all, only its own <style>.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@read_only(lambda request, pk: metric_for_user(request.user, pk))
def metric_chart(request, metric, pk):
    # A phone gets a narrower drawing, so its labels stay readable.
    size = {"width": 420, "height": 340} if request.GET.get("size") == "small" else {}
    return _svg(
        charts.metric_trend_svg(
            metric, list(metric.values.all()), versions=selectors.metric_versions(metric), **size
        )
    )


@read_only(lambda request, pk: metric_for_user(request.user, pk))
def metric_sparkline(request, metric, pk):
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


@require_GET
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


@post_only(lambda request, slug: department_for(request.user, slug, action=PROPOSE_METRIC))
def library_copy(request, department, slug):
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
            recorded, created = services.value_record(
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
            if getattr(recorded, "pending_correction", None):
                messages.info(
                    request,
                    f"{data['period'].label} is locked: your correction waits for the "
                    "Chief Customer Service Officer's approval.",
                )
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
            "calendar": {
                "due_on": locks.quarter_due_on(quarter),
                "locks_after": locks.quarter_locks_after(quarter),
                "locked": locks.period_locked(quarter.start),
            },
        },
    )


def value_import(request):
    user = request.user
    if not roles.is_analyst(user):
        raise PermissionDenied
    result, form, upload = None, ImportForm(), None
    if request.method == "POST" and request.POST.get("action") == "import":
        kept = checked_upload_for_user(user, request.POST.get("upload", ""), kind=IMPORT_KIND)
        if kept is None:
            messages.error(request, "Upload the file again: the checked file is no longer here.")
            return redirect("metrics:value_import")
        result = imports.values_import(user=user, data=bytes(kept.content))
        if result.ok:
            checked_upload_discard(kept)
            messages.success(
                request,
                f"Imported {len(result.rows) - result.pending_count:,} values "
                f"({result.new_count:,} new, "
                f"{len(result.rows) - result.new_count - result.pending_count:,} updated)"
                + (
                    f"; {result.pending_count:,} corrections to locked quarters wait for the "
                    "Chief Customer Service Officer's approval."
                    if result.pending_count
                    else "."
                ),
            )
            return redirect("metrics:value_import")
        # The data changed since the check: the page shows why; the file is kept.
        upload = kept
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > imports.MAX_IMPORT_BYTES:
                result = imports.ImportResult(
                    errors=[(0, table_import.too_large_refusal(imports.MAX_IMPORT_BYTES))]
                )
            else:
                data = file.read()
                result = imports.values_import_check(user=user, data=data)
                if result.ok:
                    upload = checked_upload_keep(
                        owner=user, kind=IMPORT_KIND, content=data, filename=file.name or ""
                    )
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
            "upload": upload,
        },
    )
