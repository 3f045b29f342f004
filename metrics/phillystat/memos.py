"""The follow-up memo of a PhillyStat meeting: drafted when the meeting is
marked held, edited by the analyst or the CCSO, then sent once.

Sending is two steps. follow_up_memo_send (the web request) moves the memo
from draft to sending with a compare-and-swap and queues the send task through
the outbox after commit. follow_up_memo_deliver (the task) renders the PDF,
stores it through Django's storage API like the review packets, and moves the
memo from sending to sent with a second compare-and-swap; only the call that
wins it notifies the attendees and the commitment owners (notify(): once per
person, e-mailed after commit with the PDF attached, see memo_attachments).
A retry or a second worker renders again at most, and tells no one twice.

The memo never says "held" before the meeting is marked held: nothing drafts
it before, and the meeting cannot be marked held before its date.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.notifications import notify
from csoprogram.lib.outbox import outbox_enqueue
from csoprogram.lib.rules import RuleError
from departments.models import DepartmentAssignment, DepartmentRole
from departments.recipients import ccso_people
from plans.selectors import impediments_listed

from ..formatting import metric_format
from ..models import Status
from ..permissions import FOLLOW_UP_MEMO, require
from .models import FollowUpMemo, PhillyStatMeeting
from .packet_files import stored_file_save
from .packet_render import render_pdf
from .selectors import carried_commitments, next_meeting, quarter_report

logger = logging.getLogger(__name__)

SEND_TASK = "metrics.follow_up_memo_send"
MEMO_DIR = "memos"
EVENT_KEY = "memo:{pk}:sent"
# A send not done after this long stalled (its task lost): it may be asked again.
SEND_LEASE = timedelta(minutes=30)

NOT_A_DRAFT = RuleError(
    "The follow-up memo has been sent: it is not changed any more.", "Reload the page."
)

# Words of the attendees field that name a role of the department, or the CCSO.
ROLE_WORDS = {
    DepartmentRole.CSO: ("cso", "customer service officer"),
    DepartmentRole.HEAD: ("head", "commissioner", "director"),
    DepartmentRole.ANALYST: ("analyst",),
}
CCSO_WORDS = ("ccso", "chief customer service officer")


def meeting_is_held(meeting: PhillyStatMeeting) -> bool:
    return meeting.held_at is not None


def meeting_hold_refusal(meeting: PhillyStatMeeting, today: date | None = None) -> str:
    """Why the meeting cannot be marked held today ("" when it can)."""
    today = today or fiscal.today()
    if meeting.date > today:
        return (
            f"The meeting is on {meeting.date:%A} {meeting.date.day} {meeting.date:%B %Y}: "
            "it can be marked held from that day on."
        )
    return ""


def meeting_mark_held(*, user, meeting: PhillyStatMeeting, today=None) -> FollowUpMemo:
    """Record that the meeting was held (who and when, once) and draft its
    follow-up memo. Refused before the meeting's date."""
    require(user, FOLLOW_UP_MEMO, meeting.department)
    refusal = meeting_hold_refusal(meeting, today)
    if refusal:
        raise RuleError(refusal, "Mark it held once it has taken place.")
    with transaction.atomic():
        # Compare-and-swap: two clicks record one person and time.
        marked = PhillyStatMeeting.objects.filter(pk=meeting.pk, held_at=None).update(
            held_at=timezone.now(), held_by=user
        )
        meeting.refresh_from_db(fields=["held_at", "held_by"])
        if marked:  # the update bypasses the history's signals: record it
            PhillyStatMeeting.history.bulk_history_create(
                [meeting], update=True, default_user=user, default_change_reason="Marked held"
            )
        memo, _ = FollowUpMemo.objects.get_or_create(
            meeting=meeting, defaults=follow_up_memo_draft_fields(meeting)
        )
    return memo


# -- What the memo says ------------------------------------------------------------------


def owner_label(commitment) -> str:
    """The owner's name as the memo prints it (a person or the text recorded)."""
    owner = commitment.owner
    if hasattr(owner, "get_username"):
        return owner.get_full_name() or owner.get_username()
    return str(owner or "")


def _discussion(meeting: PhillyStatMeeting) -> list[dict]:
    report = quarter_report(meeting.department, meeting.fiscal_quarter)
    return [
        {
            "metric_id": line["metric"].pk,
            "metric": line["metric"].name,
            "value": metric_format(line["value"], line["metric"]),
            "target": metric_format(line["target"], line["metric"]),
            "status": Status(line["status"]).label if line["status"] in Status.values else "",
            "note": line["note"],
        }
        for line in report.lines
    ]


def _commitments(meeting: PhillyStatMeeting) -> list[dict]:
    return [
        {"what": c.what, "owner": owner_label(c), "due": c.due.isoformat()}
        for c in meeting.commitments.order_by("due", "pk")
    ]


def follow_up_memo_draft_fields(meeting: PhillyStatMeeting) -> dict:
    attendance = meeting.attendees.strip()
    if meeting.analyst_id and str(meeting.analyst) not in attendance:
        attendance += ("\n" if attendance else "") + f"PhillyStat analyst: {meeting.analyst}"
    return {
        "attendance": attendance,
        "discussion": _discussion(meeting),
        "commitments": _commitments(meeting),
    }


def follow_up_memo_edit(
    *, user, memo: FollowUpMemo, attendance: str, notes: dict[int, str], other_notes: str
) -> FollowUpMemo:
    """The analyst or the CCSO edits the draft: attendance, what was said about
    each metric, other notes. The commitments are taken from the meeting."""
    require(user, FOLLOW_UP_MEMO, memo.meeting.department)
    discussion = [
        {**item, "note": (notes.get(item["metric_id"], item["note"]) or "").strip()}
        for item in memo.discussion
    ]
    updated = FollowUpMemo.objects.filter(pk=memo.pk, status=FollowUpMemo.Status.DRAFT).update(
        attendance=attendance.strip(),
        discussion=discussion,
        other_notes=other_notes.strip(),
        commitments=_commitments(memo.meeting),
        edited_at=timezone.now(),
        edited_by=user,
    )
    if updated != 1:
        raise NOT_A_DRAFT
    memo.refresh_from_db()
    return memo


def memo_send_stalled(memo: FollowUpMemo) -> bool:
    return (
        memo.status == FollowUpMemo.Status.SENDING
        and memo.send_requested_at is not None
        and memo.send_requested_at < timezone.now() - SEND_LEASE
    )


def memo_context(memo: FollowUpMemo) -> dict:
    """What the page, the PDF and the e-mail show."""
    meeting = memo.meeting
    return {
        "memo": memo,
        "stalled": memo_send_stalled(memo),
        "meeting": meeting,
        "held": meeting_is_held(meeting),
        "commitments": [
            {**c, "due": date.fromisoformat(c["due"]) if c.get("due") else None}
            for c in memo.commitments
        ],
        "carried": list(carried_commitments(meeting)),
        "impediments": impediments_listed(meeting.department),
        "next_meeting": next_meeting(meeting),
    }


# -- Who it goes to ----------------------------------------------------------------------


def _mentioned(text: str, person) -> bool:
    text = text.lower()
    names = [person.get_full_name().strip().lower(), person.email.lower()]
    if any(n and n in text for n in names):
        return True
    return person.get_username().lower() in re.split(r"[\s,;()]+", text)


def _people_named(text: str, by_role: dict, ccsos: list, everyone: dict) -> dict:
    """The people a text names: by name, e-mail or user name, or by a role
    of the department ("CSO", "department head", "analyst") or "CCSO"."""
    text = text.lower()
    named: dict[int, object] = {}
    for role, words in ROLE_WORDS.items():
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            named |= {u.pk: u for u in by_role[role]}
    if any(w in text for w in CCSO_WORDS):
        named |= {u.pk: u for u in ccsos}
    named |= {pk: u for pk, u in everyone.items() if _mentioned(text, u)}
    return named


def memo_recipients(memo: FollowUpMemo) -> list:
    """The attendees and the commitment owners who have an account: the
    people the attendees name (by name, e-mail, user name or role), the
    meeting's analyst, and the owners of the meeting's commitments (a person,
    or the person or role the owner text names). When the attendees name no
    one, the department's CSOs and head."""
    meeting = memo.meeting
    by_role: dict[str, list] = {r: [] for r in DepartmentRole.values}
    for a in DepartmentAssignment.objects.filter(
        department_id=meeting.department_id, user__is_active=True
    ).select_related("user"):
        by_role[a.role].append(a.user)
    ccsos = ccso_people()
    everyone = {u.pk: u for users in by_role.values() for u in users} | {u.pk: u for u in ccsos}
    chosen = _people_named(memo.attendance or meeting.attendees or "", by_role, ccsos, everyone)
    if not chosen:
        chosen |= {u.pk: u for u in by_role[DepartmentRole.CSO] + by_role[DepartmentRole.HEAD]}
    if meeting.analyst_id and meeting.analyst and meeting.analyst.is_active:
        chosen[meeting.analyst_id] = meeting.analyst
    for c in meeting.commitments.all():
        owner = c.owner
        if hasattr(owner, "get_username"):
            if owner.is_active:
                chosen[owner.pk] = owner
            continue
        chosen |= _people_named(str(owner), by_role, ccsos, everyone)
    return sorted(chosen.values(), key=lambda u: u.pk)


# -- Sending -----------------------------------------------------------------------------


def follow_up_memo_send(*, user, memo: FollowUpMemo) -> bool:
    """Send the draft: queued once, however often it is asked (again only
    when a send stalled for SEND_LEASE). True if this call queued it."""
    require(user, FOLLOW_UP_MEMO, memo.meeting.department)
    if not meeting_is_held(memo.meeting):
        raise RuleError("The meeting has not been marked held.", "Mark it held first.")
    now = timezone.now()
    with transaction.atomic():
        # A draft, or a send whose task was lost (its retries exhausted) long ago.
        queued = (
            FollowUpMemo.objects.filter(
                Q(status=FollowUpMemo.Status.DRAFT)
                | Q(status=FollowUpMemo.Status.SENDING, send_requested_at__lt=now - SEND_LEASE),
                pk=memo.pk,
            ).update(
                status=FollowUpMemo.Status.SENDING,
                sent_by=user,
                send_requested_at=now,
                commitments=_commitments(memo.meeting),
            )
            == 1
        )
        if queued:
            outbox_enqueue(task_name=SEND_TASK, args=[memo.pk])
    memo.refresh_from_db()
    return queued


def memo_pdf_html(memo: FollowUpMemo) -> str:
    return render_to_string("metrics/memos/follow_up_pdf.html", memo_context(memo))


def memo_storage_name(memo: FollowUpMemo, checksum: str) -> str:
    return f"{MEMO_DIR}/{memo.meeting.department.slug}/{memo.meeting_id}-{checksum[:16]}.pdf"


def follow_up_memo_deliver(*, memo_id: int) -> bool:
    """The send task: render and store the PDF, mark the memo sent and tell
    its recipients. True if this call sent it."""
    memo = (
        FollowUpMemo.objects.select_related("meeting__department", "meeting__analyst")
        .filter(pk=memo_id, status=FollowUpMemo.Status.SENDING)
        .first()
    )
    if memo is None:
        return False  # sent already, or never asked
    FollowUpMemo.objects.filter(pk=memo_id).update(attempts=F("attempts") + 1)
    try:
        pdf, _pages, _anchors = render_pdf(memo_pdf_html(memo))
        checksum = hashlib.sha256(pdf).hexdigest()
        name = stored_file_save(default_storage, memo_storage_name(memo, checksum), pdf)
    except Exception as exc:
        FollowUpMemo.objects.filter(pk=memo_id).update(
            last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    recipients = memo_recipients(memo)
    meeting = memo.meeting
    with transaction.atomic():
        won = FollowUpMemo.objects.filter(pk=memo_id, status=FollowUpMemo.Status.SENDING).update(
            status=FollowUpMemo.Status.SENT,
            sent_at=timezone.now(),
            file=name,
            checksum=checksum,
            size=len(pdf),
            recipients=[{"id": u.pk, "name": str(u), "email": u.email} for u in recipients],
            last_error="",
        )
        if won != 1:
            return False
        notify(
            kind="memo_sent",
            event_key=EVENT_KEY.format(pk=memo_id),
            recipients=recipients,
            title=f"Follow-up memo: {meeting.department.display_name} PhillyStat meeting, "
            f"{meeting.quarter_label}",
            body=render_to_string("metrics/email/follow_up_memo.txt", memo_context(memo)),
            url=memo.get_absolute_url(),
        )
    return True


def memo_attachments(notification) -> list[tuple[str, bytes, str]]:
    """The memo's PDF for the e-mail of a "memo_sent" notification."""
    match = re.fullmatch(r"memo:(\d+):sent", notification.event_key or "")
    memo = FollowUpMemo.objects.filter(pk=match.group(1)).first() if match else None
    if memo is None or not memo.file:
        return []
    with default_storage.open(memo.file, "rb") as fh:
        data = fh.read()
    meeting = memo.meeting
    return [
        (
            f"follow-up-memo-{meeting.department.slug}-fy{meeting.fiscal_year}-q{meeting.quarter}.pdf",
            data,
            "application/pdf",
        )
    ]
