"""PhillyStat pages: meetings and the quarterly narrative. Commitments:
commitment_views.py; the memos: memo_views.py; review packets: packet_views.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from csoprogram.lib import fiscal
from csoprogram.lib.access import read_only
from csoprogram.lib.forms import form_add_error
from departments.selectors import departments_visible_to
from plans.selectors import impediments_listed

from ..locks import narrative_locked
from ..permissions import (
    BUILD_PACKET,
    FOLLOW_UP_MEMO,
    RECORD_COMMITMENT,
    SCHEDULE_MEETING,
    WRITE_NARRATIVE,
    can,
    department_for,
)
from ..timelines import meeting_timeline
from . import selectors, services
from .forms import (
    CommitmentForm,
    MeetingForm,
    MeetingYearForm,
    NarrativeForm,
)
from .memos import meeting_hold_refusal
from .models import FollowUpMemo, NarrativeCorrection, ReviewPacket
from .permissions import commitments_with_rights, meeting_for_user

_form_errors = form_add_error


@require_GET
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
    year, dates = selectors.meeting_year_to_schedule(department)
    initial = {"fiscal_year": year, **dates}
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


@read_only(lambda request, pk: meeting_for_user(request.user, pk))
def meeting_detail(request, meeting, pk):
    report = selectors.quarter_report(meeting.department, meeting.fiscal_quarter)
    can_commit = can(request.user, RECORD_COMMITMENT, meeting.department)
    return render(
        request,
        "metrics/meeting_detail.html",
        {
            "meeting": meeting,
            "report": report,
            "commitments": commitments_with_rights(
                meeting.commitments.select_related("owner", "closed_by"), request.user
            ),
            "carried": commitments_with_rights(
                selectors.carried_commitments(meeting).select_related("owner"), request.user
            ),
            "can_commit": can_commit,
            "commitment_form": (
                CommitmentForm(department=meeting.department) if can_commit else None
            ),
            "can_write_narrative": can(request.user, WRITE_NARRATIVE, meeting.department),
            "can_schedule": can(request.user, SCHEDULE_MEETING, meeting.department),
            "packet": ReviewPacket.objects.filter(meeting=meeting).first(),
            "can_build_packet": can(request.user, BUILD_PACKET, meeting.department),
            "reminders": meeting.reminders.select_related("recipient").order_by("created_at"),
            "timeline": meeting_timeline(meeting),
            "impediments": impediments_listed(meeting.department),
            "memo": FollowUpMemo.objects.filter(meeting=meeting).first(),
            "can_memo": can(request.user, FOLLOW_UP_MEMO, meeting.department),
            "hold_refusal": meeting_hold_refusal(meeting),
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
        initial = {"what_changed": report.narrative.what_changed}
    locked = narrative_locked(meeting.date)
    form = NarrativeForm(request.POST or None, lines=report.lines, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.narrative_save(
                user=request.user,
                department=meeting.department,
                quarter=meeting.fiscal_quarter,
                what_changed=form.cleaned_data["what_changed"],
                notes=form.notes(),
                reason=form.cleaned_data.get("reason", ""),
                new_impediment=form.new_impediment(),
            )
        except ValidationError as exc:
            form_add_error(form, exc)
        else:
            if isinstance(saved, NarrativeCorrection):
                messages.info(
                    request,
                    "The PhillyStat meeting has been held: your correction of the quarterly "
                    "narrative waits for the Chief Customer Service Officer's approval.",
                )
            else:
                messages.success(request, f"Quarterly narrative for {meeting.quarter_label} saved.")
            return redirect(meeting)
    return render(
        request,
        "metrics/narrative_form.html",
        {
            "form": form,
            "meeting": meeting,
            "report": report,
            "locked": locked,
            "impediments": impediments_listed(meeting.department),
        },
    )
