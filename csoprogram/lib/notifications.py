"""In-app notifications and workflow notifications by e-mail.

notify() is the one way an app tells people that something happened in the
program's workflow (a plan was submitted, a packet failed...). Each event has
a key (f"plan:{pk}:submitted:{version}"); the unique constraint on (event_key,
user) makes every event notify each person once, however often the caller runs
or retries, like the PhillyStat reminders' ReminderDelivery rows. The e-mail is
queued through the outbox after commit (csoprogram.notification_email), unless
the person turned that kind off or chose the daily digest
(notification_email.digests_scan).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import EmailStatus, Notification, NotificationPreference
from .outbox import outbox_enqueue_many

# Every kind of workflow notification, with the label people see on their
# preferences page. Apps add their kinds here (or with notification_kind_add).
NOTIFICATION_KINDS: dict[str, str] = {
    "plan_submitted": "A plan is submitted for review",
    "plan_changes_requested": "Changes are requested on a plan",
    "plan_approved": "A plan is approved",
    "plan_comment": "A comment on a plan",
    "theme_proposed": "A program-wide theme is proposed",
    "theme_decided": "A proposed theme is decided",
    "publication_requested": "Publishing a department's page is requested",
    "publication_approved": "A department's public page is approved",
    "packet_ready": "A review packet is ready",
    "packet_failed": "A review packet failed",
    "commitment_assigned": "A PhillyStat commitment is assigned to you",
    "commitment_due": "A commitment is due in 3 days",
    "commitment_overdue": "A commitment is overdue",
    "commitment_escalated": "A commitment is overdue by a week or more",
    "escalation": "An escalation: a department is not ready for its meeting",
    "memo_sent": "A PhillyStat memo is sent",
}

EMAIL_TASK = "csoprogram.notification_email"


def notification_kind_add(kind: str, label: str) -> None:
    """Register a kind of notification (an app's own, added at import time)."""
    NOTIFICATION_KINDS.setdefault(kind, label)


def notification_create(*, user, title: str, body: str = "", url: str = "") -> Notification:
    """An in-app notification only (reminders, which e-mail on their own)."""
    return Notification.objects.create(user=user, title=title[:200], body=body, url=url[:300])


def notification_preferences_for(user) -> NotificationPreference:
    """The person's preferences (unsaved defaults when they never chose)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def notification_preferences_save(
    *, user, email_kinds, daily_digest: bool
) -> NotificationPreference:
    """Save which kinds the person wants by e-mail (the others are in-app only)."""
    wanted = set(email_kinds)
    email_off = sorted(k for k in NOTIFICATION_KINDS if k not in wanted)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_off": email_off, "daily_digest": bool(daily_digest)}
    )
    return preference


def _email_status(user, preference, kind: str) -> str:
    if not user.email:
        return EmailStatus.NONE
    if preference is not None:
        if kind in preference.email_off:
            return EmailStatus.NONE
        if preference.daily_digest:
            return EmailStatus.DIGEST
    return EmailStatus.QUEUED


def notify(
    *,
    kind: str,
    event_key: str,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[int]:
    """Tell each active recipient once about this event, in the app and by
    e-mail (after commit). Returns the ids of the notifications made now
    (people told about this event before are left out). email=False: in the
    app only, for callers that e-mail on their own (the PhillyStat reminders)."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}: add it to NOTIFICATION_KINDS.")
    if not event_key:
        raise ValueError("A workflow notification needs an event_key.")
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return []
    with transaction.atomic():
        told = set(
            Notification.objects.filter(event_key=event_key, user_id__in=people).values_list(
                "user_id", flat=True
            )
        )
        new = [pk for pk in people if pk not in told]
        if not new:
            return []
        preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=new)}
        # A concurrent call for the same event may insert some rows first: its
        # rows stand (the conflict is ignored) and the e-mail task's claim
        # sends each e-mail once.
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=pk,
                    kind=kind,
                    event_key=event_key[:200],
                    title=title[:200],
                    body=body,
                    url=url[:300],
                    email_status=(
                        _email_status(people[pk], preferences.get(pk), kind)
                        if email
                        else EmailStatus.NONE
                    ),
                )
                for pk in new
            ],
            ignore_conflicts=True,
        )
        made = list(
            Notification.objects.filter(event_key=event_key, user_id__in=new)
            .order_by("pk")
            .values_list("pk", "email_status")
        )
        queued = [[pk] for pk, status in made if status == EmailStatus.QUEUED]
        if queued:
            outbox_enqueue_many(task_name=EMAIL_TASK, args_list=queued)
    return [pk for pk, _ in made]


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notifications_unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
