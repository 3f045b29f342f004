"""Focus-group pages. Thin: get the object through a permission helper, let a
form check the input, call a service, render. htmx requests get partials."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from csoprogram.lib.access import post_only
from csoprogram.lib.forms import form_submit
from csoprogram.lib.paging import paginate
from csoprogram.lib.spreadsheet import csv_response
from departments import roles
from departments.permissions import department_for_user, require_ccso
from departments.selectors import departments_visible_to
from focusgroups.progress import focus_group_target

from . import selectors, services
from .export import export_rows
from .forms import (
    FeedbackForm,
    MergeThemeForm,
    ProposeThemeForm,
    SessionForm,
    ThemeForm,
)
from .models import FeedbackItem, FocusGroupSession
from .permissions import (
    can_edit_focus_groups,
    feedback_for_user,
    require_theme_reader,
    session_for_user,
    theme_for_user,
)
from .timelines import session_timeline

# Sessions -------------------------------------------------------------------

# The focus-groups list shows this many departments a page (about 80 KiB).
DEPARTMENTS_PER_PAGE = 25


@require_GET
def session_list(request):
    page = paginate(
        request,
        selectors.session_list_departments(
            request.user, department_slug=request.GET.get("department") or None
        ),
        per_page=DEPARTMENTS_PER_PAGE,
    )
    departments = selectors.session_list_for_user(request.user, departments=page.items)
    return render(
        request,
        "focusgroups/session_list.html",
        {
            "page": page,
            "departments": departments,
            "filtered": bool(request.GET.get("department")),
            "focus_group_target": focus_group_target(),
            "is_ccso": roles.is_ccso(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create(request, slug):
    department = department_for_user(request.user, slug, roles_required=("cso",))
    if request.method == "POST":
        form = SessionForm(request.POST, department=department)
        session = form_submit(
            form,
            lambda data: services.session_create(
                department=department, created_by=request.user, **data
            ),
        )
        if session is not None:
            messages.success(request, "Focus group session saved.")
            return redirect(session)
    else:
        form = SessionForm(
            department=department,
            initial={
                "held_on": timezone.localdate(),
                "status": FocusGroupSession.Status.HELD,
                "facilitator": request.user.pk,
            },
        )
    return render(
        request,
        "focusgroups/session_form.html",
        {"form": form, "department": department, "session": None},
    )


def _session_page(request, session, *, form=None, status=200):
    can_edit = can_edit_focus_groups(request.user, session.department)
    context = {
        "session": session,
        "department": session.department,
        "items": selectors.session_feedback(session),
        "can_edit": can_edit,
        "timeline": session_timeline(session),
    }
    if can_edit and session.status == FocusGroupSession.Status.HELD:
        context["form"] = form or FeedbackForm(
            session=session,
            entry=True,
            initial={"customer_type": services.default_customer_type(session)},
        )
        context["propose_form"] = ProposeThemeForm(prefix="propose")
    return render(request, "focusgroups/session_detail.html", context, status=status)


@require_GET
def session_detail(request, pk):
    session = session_for_user(request.user, pk)
    return _session_page(request, session)


@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = session_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = SessionForm(request.POST, instance=session, department=session.department)
        # The ModelForm wrote the values onto the instance; the service checks
        # the rules again and saves.
        if form_submit(form, lambda data: services.session_update(session=session, **data)):
            messages.success(request, "Focus group session saved.")
            return redirect(session)
        session.refresh_from_db()
    else:
        form = SessionForm(instance=session, department=session.department)
    return render(
        request,
        "focusgroups/session_form.html",
        {"form": form, "department": session.department, "session": session},
    )


@require_http_methods(["GET", "POST"])
def session_delete(request, pk):
    session = session_for_user(request.user, pk, write=True)
    if request.method == "POST":
        department = session.department
        removed = services.session_delete(session=session)
        messages.success(
            request,
            f"Focus group session deleted, with {removed} "
            f"feedback item{'s' if removed != 1 else ''}.",
        )
        return redirect(f"{reverse('focusgroups:session_list')}?department={department.slug}")
    return render(
        request,
        "focusgroups/session_confirm_delete.html",
        {
            "session": session,
            "department": session.department,
            "feedback_count": session.feedback_items.count(),
        },
    )


# Feedback -------------------------------------------------------------------


@post_only(lambda request, pk: session_for_user(request.user, pk, write=True))
def feedback_add(request, session, pk):
    """Add one item. The entry form's script sends each submission in the
    background (HX-Request) while the CSO types the next one: it gets the saved
    item back, or 422 and the reasons, and never a new form in place of the one
    being typed in. Without the script, the page posts and is sent back."""
    if session.status != FocusGroupSession.Status.HELD:
        raise PermissionDenied
    form = FeedbackForm(request.POST, session=session, entry=True)
    item = form_submit(
        form,
        lambda data: services.feedback_create(session=session, created_by=request.user, **data),
    )
    if not request.htmx:
        if item is not None:
            messages.success(request, "Feedback added.")
            return redirect(session)
        return _session_page(request, session, form=form)
    if item is None:
        return render(
            request,
            "focusgroups/partials/feedback_entry.html",
            {"form": form, "session": session},
            status=422,
        )
    item = FeedbackItem.objects.prefetch_related("themes").get(pk=item.pk)
    return render(
        request,
        "focusgroups/partials/feedback_added.html",
        {
            "session": session,
            "item": item,
            "feedback_count": session.feedback_items.count(),
        },
    )


def _item_response(request, item, *, focus=False):
    item = FeedbackItem.objects.prefetch_related("themes").get(pk=item.pk)
    return render(
        request,
        "focusgroups/partials/feedback_item.html",
        {
            "item": item,
            "can_edit": can_edit_focus_groups(request.user, item.department),
            "focus": focus,
        },
    )


@require_GET
def feedback_item(request, pk):
    item = feedback_for_user(request.user, pk)
    if not request.htmx:
        return redirect(f"{item.session.get_absolute_url()}#feedback-{item.pk}")
    return _item_response(request, item, focus=True)


@require_http_methods(["GET", "POST"])
def feedback_edit(request, pk):
    item = feedback_for_user(request.user, pk, write=True)
    session = item.session
    session.department = item.department
    prefix = f"item-{item.pk}"
    if request.method == "POST":
        form = FeedbackForm(request.POST, session=session, prefix=prefix)
        if form_submit(form, lambda data: services.feedback_update(item=item, **data)):
            if request.htmx:
                return _item_response(request, item, focus=True)
            messages.success(request, "Feedback saved.")
            return redirect(f"{session.get_absolute_url()}#feedback-{item.pk}")
    else:
        form = FeedbackForm(
            session=session,
            prefix=prefix,
            autofocus=True,
            initial={
                "text": item.text,
                "sentiment": item.sentiment,
                "customer_type": item.customer_type,
                "themes": list(item.themes.values_list("pk", flat=True)),
                "possible_solution": item.possible_solution,
                "shared_with_csos": item.shared_with_csos,
            },
        )
    template = (
        "focusgroups/partials/feedback_edit.html"
        if request.htmx
        else "focusgroups/feedback_edit_page.html"
    )
    return render(request, template, {"form": form, "item": item, "session": session})


@post_only(lambda request, pk: feedback_for_user(request.user, pk, write=True))
def feedback_delete(request, item, pk):
    session = item.session
    services.feedback_delete(item=item)
    if not request.htmx:
        messages.success(request, "Feedback removed.")
        return redirect(session)
    return render(
        request,
        "focusgroups/partials/feedback_removed.html",
        {"feedback_count": session.feedback_items.count()},
    )


# Themes ---------------------------------------------------------------------


@require_GET
def theme_list(request):
    require_theme_reader(request.user)
    is_ccso = roles.is_ccso(request.user)
    grouped = selectors.theme_list_for_user(request.user)
    context = {
        "grouped": grouped,
        "is_ccso": is_ccso,
        "create_form": ThemeForm() if is_ccso else None,
        "propose_departments": departments_visible_to(request.user).filter(
            pk__in=roles.department_ids_with_role(request.user, "cso")
        ),
    }
    return render(request, "focusgroups/theme_list.html", context)


@post_only(lambda request: require_ccso(request.user))
def theme_create(request, _):
    form = ThemeForm(request.POST)
    theme = form_submit(form, lambda data: services.theme_create(created_by=request.user, **data))
    if theme is not None:
        messages.success(request, f"Theme “{theme.name}” added.")
        return redirect("focusgroups:theme_list")
    return render(request, "focusgroups/theme_form.html", {"form": form, "theme": None})


@require_http_methods(["GET", "POST"])
def theme_edit(request, pk):
    theme = theme_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        form = ThemeForm(request.POST)
        if form_submit(form, lambda data: services.theme_update(theme=theme, **data)):
            messages.success(request, f"Theme “{theme.name}” saved.")
            return redirect("focusgroups:theme_list")
    else:
        form = ThemeForm(initial={"name": theme.name, "description": theme.description})
    return render(request, "focusgroups/theme_form.html", {"form": form, "theme": theme})


@post_only(lambda request, slug: department_for_user(request.user, slug, roles_required=("cso",)))
def theme_propose(request, department, slug):
    form = ProposeThemeForm(request.POST, prefix="propose")
    theme = form_submit(
        form,
        lambda data: services.theme_propose(
            department=department, proposed_by=request.user, **data
        ),
    )
    if request.htmx:
        return render(
            request,
            "focusgroups/partials/theme_proposed.html",
            {
                "form": ProposeThemeForm(prefix="propose") if theme else form,
                "theme": theme,
                "department": department,
            },
        )
    if theme is not None:
        messages.success(request, f"Theme “{theme.name}” proposed. You can use it at once.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_safe_session_url(request) or reverse("focusgroups:theme_list"))


def _safe_session_url(request):
    try:
        pk = int(request.POST["next_session"])
    except (KeyError, ValueError):
        return None
    return session_for_user(request.user, pk).get_absolute_url()


@post_only(lambda request, pk: theme_for_user(request.user, pk, manage=True))
def theme_accept(request, theme, pk):
    try:
        services.theme_accept(theme=theme, decided_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Theme “{theme.name}” accepted.")
    return redirect("focusgroups:theme_list")


@post_only(lambda request, pk: theme_for_user(request.user, pk, manage=True))
def theme_reject(request, theme, pk):
    try:
        untagged = services.theme_reject(theme=theme, decided_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Theme “{theme.name}” rejected. {untagged} feedback item"
            f"{'s' if untagged != 1 else ''} kept, without this theme.",
        )
    return redirect("focusgroups:theme_list")


@post_only(lambda request, pk: theme_for_user(request.user, pk, manage=True))
def theme_merge(request, theme, pk):
    form = MergeThemeForm(request.POST, theme=theme)
    if not form.is_valid():
        messages.error(request, "Choose an accepted theme to merge into.")
        return redirect("focusgroups:theme_list")
    try:
        moved = services.theme_merge(
            theme=theme, into=form.cleaned_data["into"], decided_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Theme “{theme.name}” merged into “{theme.merged_into.name}”: "
            f"{moved} feedback item{'s' if moved != 1 else ''} moved.",
        )
    return redirect("focusgroups:theme_list")


# Export ---------------------------------------------------------------------


def _csv_response(filename: str, departments):
    return csv_response(
        filename, export_rows(selectors.sessions_for_export(departments=departments))
    )


@require_GET
def department_export(request, slug):
    department = department_for_user(request.user, slug)
    stamp = timezone.localdate().isoformat()
    return _csv_response(f"focus-groups-{department.slug}-{stamp}.csv", [department])


@require_GET
def export_all(request):
    require_ccso(request.user)
    stamp = timezone.localdate().isoformat()
    return _csv_response(
        f"focus-groups-all-departments-{stamp}.csv", departments_visible_to(request.user)
    )
