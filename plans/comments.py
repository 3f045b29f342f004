"""A review comment's author may change their mind for a short while: edit the
text or withdraw the comment within COMMENT_CHANGE_WINDOW of posting it (a
comment posted twice by mistake). Only plain comments, not the notes of an
approval or a request for changes. Every earlier text stays in the comment's
history (django-simple-history); a withdrawn comment shows as withdrawn."""

import datetime

from django.db import transaction
from django.utils import timezone

from csoprogram.lib.rules import RuleError

from .models import PlanComment

COMMENT_CHANGE_WINDOW = datetime.timedelta(minutes=15)


def comment_changeable(comment: PlanComment, user, *, now: datetime.datetime | None = None) -> bool:
    """The one rule: the author, a plain comment, not withdrawn, within the window."""
    now = now or timezone.now()
    return (
        user is not None
        and user.is_authenticated
        and comment.author_id == user.pk
        and comment.kind == PlanComment.Kind.COMMENT
        and comment.withdrawn_at is None
        and now - comment.created_at <= COMMENT_CHANGE_WINDOW
    )


def _locked(comment: PlanComment, user) -> PlanComment:
    current = PlanComment.objects.select_for_update().get(pk=comment.pk)
    if not comment_changeable(current, user):
        minutes = int(COMMENT_CHANGE_WINDOW.total_seconds() // 60)
        raise RuleError(
            f"A comment can be edited or withdrawn by its author within {minutes} minutes.",
            "Add a new comment to correct it.",
            code="conflict",
        )
    return current


def plan_comment_edit(*, comment: PlanComment, user, body: str) -> PlanComment:
    if not body.strip():
        raise RuleError(
            "A comment needs some text.", "Write the comment, then save it.", field="body"
        )
    with transaction.atomic():
        current = _locked(comment, user)
        current.body = body.strip()
        current.edited_at = timezone.now()
        current._change_reason = "Edited by its author"
        current.save(update_fields=["body", "edited_at"])
    return current


def plan_comment_withdraw(*, comment: PlanComment, user) -> PlanComment:
    with transaction.atomic():
        current = _locked(comment, user)
        current.withdrawn_at = timezone.now()
        current._change_reason = "Withdrawn by its author"
        current.save(update_fields=["withdrawn_at"])
    return current


def mark_changeable(comments, user) -> list:
    """Set .changeable on each comment for the conversation's Edit/Withdraw links."""
    now = timezone.now()
    for c in comments:
        c.changeable = comment_changeable(c, user, now=now)
        c.changeable_until = c.created_at + COMMENT_CHANGE_WINDOW
    return comments
