import time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from departments import roles
from departments.accounts.services import api_tokens_active
from departments.selectors import departments_visible_to
from departments.training.selectors import training_for_person

from .forms import ProfileForm
from .inbox.selectors import inbox_for
from .lib.notifications import notifications_for, notifications_mark_read
from .lib.paging import paginate
from .models import CalendarFeed, Notification
from .stage import departments_with_stage, with_stage


def home(request):
    """One home page per role: what each person works on next."""
    user = request.user
    program_wide = roles.is_program_wide(user)
    departments = with_stage(departments_with_stage(departments_visible_to(user)).order_by("name"))
    dept_roles = roles.department_roles(user)
    for d in departments:
        d.my_roles = sorted(dept_roles.get(d.pk, ()))
    context = {
        "departments": departments,
        "is_ccso": roles.is_ccso(user),
        "is_mdo": roles.is_mdo(user),
        "is_program_wide": program_wide,
        "cso_departments": [d for d in departments if "cso" in d.my_roles],
        "head_departments": [d for d in departments if "head" in d.my_roles],
        "analyst_departments": [d for d in departments if "analyst" in d.my_roles],
        "training": training_for_person(user) if roles.is_cso(user) else None,
    }
    if program_wide:
        # Every department, fifty a page (the table of the CCSO's and the MDO's home).
        context["page"] = paginate(request, departments, per_page=50)
        context["departments"] = context["page"].items
    context["my_work"] = inbox_for(user)
    context["my_work_top"] = context["my_work"][:5]
    return render(request, "home.html", context)


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, f"{type(exc).__name__}: {exc}".strip()[:200]


def _check_broker() -> tuple[bool, str]:
    from django.conf import settings

    from csoprogram.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, f"{type(exc).__name__}: {exc}".strip()[:200]


# The files every page links to (templates/base.html): if one has no entry in
# the manifest, every page answers 500.
PAGE_ASSETS = (
    "img/favicon.svg",
    "vendor/bootstrap/bootstrap.min.css",
    "css/app.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "js/app.js",
)


def _check_static() -> tuple[bool, str]:
    """Pages can link their static files: with the manifest storage of
    production, the manifest was loaded and names files that exist."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    try:
        storage = storages["staticfiles"]
    except Exception as exc:  # noqa: BLE001 - a storage that cannot start means "down"
        return False, f"{type(exc).__name__}: {exc}".strip()[:200]
    if not isinstance(storage, ManifestFilesMixin):
        return True, "ok (no manifest in use)"
    if not storage.exists(storage.manifest_name):
        return False, f"no {storage.manifest_name} in STATIC_ROOT: run collectstatic"
    for name in PAGE_ASSETS:
        try:
            stored = storage.stored_name(name)
        except ValueError:
            return False, f"no manifest entry for {name}: run collectstatic, then restart"
        if not storage.exists(stored):
            return False, f"{stored} is missing from STATIC_ROOT"
    return True, "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    started = time.monotonic()
    checks = {}
    for name, check in (
        ("database", _check_database),
        ("broker", _check_broker),
        ("static", _check_static),
    ):
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    healthy = all(c["ok"] for c in checks.values())
    body = {
        "status": "ok" if healthy else "fail",
        "failing": [name for name, c in checks.items() if not c["ok"]],
        "checks": checks,
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
def error_400(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request):
    return render(request, "500.html", status=500)


def notification_list(request):
    notifications = notifications_for(request.user)[:100]
    return render(request, "notifications/notification_list.html", {"notifications": notifications})


@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, notification_id=notification.pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notification_list")


@require_POST
def notification_read_all(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notification_list")


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        return redirect("profile")
    return render(
        request,
        "registration/profile.html",
        {
            "form": form,
            "api_tokens": api_tokens_active(request.user),
            "calendar_feed": CalendarFeed.objects.filter(user=request.user).first(),
        },
    )
