"""The PhillyStat meeting's memos: marked held, the follow-up memo (draft,
edit, send, PDF) and the briefing memo."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from csoprogram.lib.access import post_only, read_only
from csoprogram.lib.forms import form_add_error

from ..permissions import FOLLOW_UP_MEMO, can
from . import memos
from .briefing import briefing_memo as briefing_memo_of
from .forms import FollowUpMemoForm
from .models import FollowUpMemo
from .permissions import meeting_for_user


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@post_only(lambda request, pk: meeting_for_user(request.user, pk, action=FOLLOW_UP_MEMO))
def meeting_mark_held(request, meeting, pk):
    try:
        memos.meeting_mark_held(user=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(meeting)
    messages.success(
        request, "PhillyStat meeting marked held: the follow-up memo is drafted for you to edit."
    )
    return redirect("metrics:meeting_memo", pk=meeting.pk)


@read_only(lambda request, pk: meeting_for_user(request.user, pk))
def meeting_memo(request, meeting, pk):
    """The follow-up memo: not yet (the meeting is not held), the draft, or as sent."""
    memo = FollowUpMemo.objects.filter(meeting=meeting).first()
    context = memos.memo_context(memo) if memo else {"meeting": meeting, "held": False}
    may_write = can(request.user, FOLLOW_UP_MEMO, meeting.department)
    context |= {
        "can_write": may_write,
        "hold_refusal": memos.meeting_hold_refusal(meeting),
    }
    return render(request, "metrics/memo_follow_up.html", context)


@require_http_methods(["GET", "POST"])
def memo_edit(request, pk):
    meeting = meeting_for_user(request.user, pk, action=FOLLOW_UP_MEMO)
    memo = FollowUpMemo.objects.filter(meeting=meeting).first()
    if memo is None:
        raise Http404("The meeting has not been marked held: there is no memo yet.")
    if memo.status != FollowUpMemo.Status.DRAFT:
        messages.info(request, "The follow-up memo has been sent: it is not changed any more.")
        return redirect("metrics:meeting_memo", pk=meeting.pk)
    form = FollowUpMemoForm(
        request.POST or None,
        discussion=memo.discussion,
        initial={"attendance": memo.attendance, "other_notes": memo.other_notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            memos.follow_up_memo_edit(
                user=request.user,
                memo=memo,
                attendance=form.cleaned_data["attendance"],
                notes=form.notes(),
                other_notes=form.cleaned_data["other_notes"],
            )
        except ValidationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, "Follow-up memo saved. Send it when it is ready.")
            return redirect("metrics:meeting_memo", pk=meeting.pk)
    return render(
        request,
        "metrics/memo_follow_up_form.html",
        {"form": form, "meeting": meeting, "memo": memo},
    )


@post_only(lambda request, pk: meeting_for_user(request.user, pk, action=FOLLOW_UP_MEMO))
def memo_send(request, meeting, pk):
    memo = FollowUpMemo.objects.filter(meeting=meeting).first()
    if memo is None:
        raise Http404("The meeting has not been marked held: there is no memo yet.")
    try:
        queued = memos.follow_up_memo_send(user=request.user, memo=memo)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if queued:
            messages.success(
                request,
                "The follow-up memo is being sent to the attendees and the commitment owners, "
                "with its PDF attached.",
            )
        else:
            messages.info(request, "The follow-up memo was sent already.")
    return redirect("metrics:meeting_memo", pk=meeting.pk)


@read_only(lambda request, pk: meeting_for_user(request.user, pk))
def memo_pdf(request, meeting, pk):
    memo = FollowUpMemo.objects.filter(meeting=meeting, status=FollowUpMemo.Status.SENT).first()
    if memo is None or not memo.file or not default_storage.exists(memo.file):
        raise Http404("The follow-up memo has not been sent yet.")
    response = FileResponse(
        default_storage.open(memo.file, "rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"follow-up-memo-{meeting.department.slug}-{meeting.quarter_label}.pdf".replace(
            " ", "-"
        ).lower(),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@read_only(lambda request, pk: meeting_for_user(request.user, pk))
def briefing_memo(request, meeting, pk):
    return render(request, "metrics/memo_briefing.html", briefing_memo_of(meeting))
