"""Program meeting pages (list, record, agenda, action items) and the
program update page. Views parse, call a service and render."""

from django.contrib import messages
from django.shortcuts import redirect, render

from csoprogram.lib.access import methods_after_access, post_only, read_only
from csoprogram.lib.forms import form_add_error
from csoprogram.lib.paging import paginate
from csoprogram.lib.rules import RuleError

from ..program_access import ccso_user, program_wide_user
from . import selectors, services
from .forms import ActionItemForm, ProgramMeetingForm
from .permissions import (
    agenda_entry_for_user,
    can_manage_program_meetings,
    program_meeting_for_user,
)

# The program update shows this many departments a page (about 50 KiB).
DEPARTMENTS_PER_PAGE = 25


def _meeting(*, manage=False):
    return lambda request, pk: program_meeting_for_user(request.user, pk, manage=manage)


@read_only(program_wide_user)
def meeting_list(request, user):
    return render(
        request,
        "csoprogram/meeting_list.html",
        {"meetings": selectors.program_meetings(), "is_ccso": can_manage_program_meetings(user)},
    )


@methods_after_access(("GET", "HEAD", "POST"), ccso_user)
def meeting_create(request, user):
    form = ProgramMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.program_meeting_create(user=user, **form.cleaned_data)
        messages.success(request, f"{meeting} recorded.")
        return redirect("csoprogram:meeting_detail", pk=meeting.pk)
    return render(request, "csoprogram/meeting_form.html", {"form": form})


def _meeting_page(request, meeting, *, item_form=None, status=200):
    can_manage = can_manage_program_meetings(request.user)
    if can_manage and item_form is None:
        item_form = ActionItemForm(meeting=meeting)
    context = {
        "meeting": meeting,
        "is_ccso": can_manage,
        "item_form": item_form,
        **selectors.program_meeting_detail(meeting, request.user),
    }
    return render(request, "csoprogram/meeting_detail.html", context, status=status)


@read_only(_meeting())
def meeting_detail(request, meeting, pk):
    return _meeting_page(request, meeting)


@post_only(lambda request, pk, entry_pk: agenda_entry_for_user(request.user, pk, entry_pk))
def meeting_move(request, entry, pk, entry_pk):
    """Move a presenting department one place earlier or later in the agenda."""
    try:
        services.agenda_entry_move(
            user=request.user, entry=entry, direction=request.POST.get("direction", "")
        )
    except RuleError as error:
        messages.error(request, error.text)
    return redirect("csoprogram:meeting_detail", pk=entry.meeting_id)


@post_only(_meeting(manage=True))
def action_item_add(request, meeting, pk):
    form = ActionItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.action_item_add(user=request.user, meeting=meeting, **form.cleaned_data)
        except RuleError as error:
            form_add_error(form, error)
        else:
            messages.success(request, "Action item added.")
            return redirect("csoprogram:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, meeting, item_form=form, status=400)


@read_only(program_wide_user)
def program_update(request, user):
    page = paginate(
        request, selectors.program_update_departments(user), per_page=DEPARTMENTS_PER_PAGE
    )
    return render(
        request,
        "csoprogram/program_update.html",
        {"departments": selectors.program_update_rows(page.items), "page": page},
    )
