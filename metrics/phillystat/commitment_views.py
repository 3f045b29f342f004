"""Commitment pages: record one at a meeting, edit it, and close it (its owner
marks it done with a note, from the meeting page or from My work; the analyst
or the CCSO may drop it); and the department's commitments as CSV."""

import itertools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from csoprogram.lib import fiscal
from csoprogram.lib.forms import form_submit
from csoprogram.lib.spreadsheet import csv_response

from ..permissions import RECORD_COMMITMENT, department_for
from . import commitments as services
from .forms import CommitmentCloseForm, CommitmentForm
from .models import Commitment
from .permissions import (
    can_edit_commitment,
    commitment_for_user,
    commitments_with_rights,
    meeting_for_user,
)


def _next_or(request, fallback):
    # Back to the page the form was on (a meeting page or My work), never offsite.
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(fallback)


@require_http_methods(["GET", "POST"])
def commitment_create(request, pk):
    meeting = meeting_for_user(request.user, pk, action=RECORD_COMMITMENT)
    form = CommitmentForm(request.POST or None, department=meeting.department)
    if request.method == "POST":
        made = form_submit(
            form,
            lambda data: services.commitment_create(user=request.user, meeting=meeting, **data),
        )
        if made is not None:
            messages.success(request, f"Commitment recorded; {made.owner} owns it.")
            return redirect(meeting)
    status = 400 if form.errors else 200
    return render(
        request,
        "metrics/commitment_form.html",
        {"form": form, "meeting": meeting, "editing": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk):
    commitment = commitment_for_user(request.user, pk, edit=True)
    initial = {"what": commitment.what, "owner": commitment.owner, "due": commitment.due}
    form = CommitmentForm(request.POST or None, department=commitment.department, initial=initial)
    if request.method == "POST":
        saved = form_submit(
            form,
            lambda data: services.commitment_update(
                user=request.user, commitment=commitment, **data
            ),
        )
        if saved is not None:
            messages.success(request, "Commitment saved.")
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "metrics/commitment_form.html",
        {"form": form, "meeting": commitment.meeting, "editing": commitment},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def commitment_close(request, pk):
    """Mark done (with a note) or drop. GET: the small page My work links to."""
    commitment = commitment_for_user(request.user, pk, done=True)
    can_drop = can_edit_commitment(request.user, commitment)
    form = CommitmentCloseForm(request.POST or None, can_drop=can_drop)
    if request.method == "POST":
        closed = form_submit(
            form,
            lambda data: services.commitment_close(
                user=request.user, commitment=commitment, status=data["status"], note=data["note"]
            ),
        )
        if closed is not None and request.htmx:
            commitment.refresh_from_db()
            return render(
                request,
                "metrics/partials/commitment_row.html",
                {
                    "c": commitments_with_rights([commitment], request.user)[0],
                    "show_meeting": bool(request.POST.get("show_meeting")),
                    "can_close": True,
                },
            )
        if closed is not None:
            if closed:
                messages.success(
                    request,
                    "Commitment marked done."
                    if form.cleaned_data["status"] == "done"
                    else "Commitment dropped.",
                )
            return _next_or(request, commitment.get_absolute_url())
    return render(
        request,
        "metrics/commitment_close.html",
        {"form": form, "commitment": commitment, "can_edit": can_drop},
        status=400 if form.errors else 200,
    )


@require_GET
def commitment_export(request, slug):
    """The department's commitments as CSV: who owns each, by when, and where it stands."""
    department = department_for(request.user, slug)
    today = fiscal.today()
    rows = (
        Commitment.objects.filter(department=department)
        .select_related("meeting", "owner", "closed_by")
        .order_by("meeting__date", "due", "pk")
    )
    header = [
        "PhillyStat meeting",
        "Commitment",
        "Owner",
        "Due date",
        "Status",
        "Overdue",
        "Closed on",
        "Closed by",
        "Closing note",
    ]
    lines = (
        [
            f"{c.meeting.quarter_label} ({c.meeting.date:%Y-%m-%d})",
            c.what,
            str(c.owner) if c.owner else "",
            f"{c.due:%Y-%m-%d}",
            c.get_status_display(),
            "yes" if c.is_open and c.due < today else "no",
            f"{timezone.localdate(c.closed_at):%Y-%m-%d}" if c.closed_at else "",
            str(c.closed_by) if c.closed_by else "",
            c.closing_note,
        ]
        for c in rows.iterator()
    )
    filename = f"commitments-{department.slug}-{today:%Y-%m-%d}.csv"
    return csv_response(filename, itertools.chain([header], lines))
