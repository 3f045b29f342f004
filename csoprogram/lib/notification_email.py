"""Workflow notifications by e-mail: one e-mail each, or one daily digest.

Both are claimed with a compare-and-swap update before sending (two workers
or a retry never send the same one twice; a claim whose worker died is taken
again after CLAIM_LEASE) and released when sending fails, so the task's retry
sends it. A digest is a NotificationDigest row, unique per person and day.
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import fiscal
from .models import EmailStatus, Notification, NotificationDigest
from .outbox import outbox_enqueue_many

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
DIGEST_TASK = "csoprogram.notification_digest_send"
# The digest goes out at the first scan from this hour (local time) on.
DIGEST_HOUR = 7


# kind -> provider(notification) -> [(file name, bytes, MIME type)]: the files
# an app attaches to the e-mail of its notifications (the PhillyStat follow-up
# memo's PDF). Registered by the app at start-up (its AppConfig.ready).
EMAIL_ATTACHMENTS: dict[str, Callable[[Notification], list[tuple[str, bytes, str]]]] = {}


def notification_attachments_add(
    kind: str, provider: Callable[[Notification], list[tuple[str, bytes, str]]]
) -> None:
    EMAIL_ATTACHMENTS[kind] = provider


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return f"{settings.SITE_URL}{url}"
    return url


def _send(*, to: str, subject: str, template: str, context: dict, attachments=()) -> None:
    context = {**context, "preferences_url": _absolute(reverse("notification_preferences"))}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for name, data, mimetype in attachments:
        message.attach(name, data, mimetype)
    message.send()


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification. True if this call sent it."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(email_status=EmailStatus.QUEUED)
        | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - CLAIM_LEASE),
        pk=notification_id,
    ).update(email_status=EmailStatus.SENDING, email_claimed_at=now)
    if claimed != 1:
        return False  # sent already, not for e-mail, or another worker holds it
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        provider = EMAIL_ATTACHMENTS.get(notification.kind)
        _send(
            attachments=provider(notification) if provider else (),
            to=notification.user.email,
            subject=notification.title,
            template="notifications/email/notification",
            context={
                "recipient": notification.user,
                "notification": notification,
                "link": _absolute(notification.url) if notification.url else "",
            },
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.QUEUED, email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
    return True


def digests_scan(*, today: date | None = None, hour: int | None = None) -> list[int]:
    """Make (once per person and day) and queue today's digests of everyone
    with notifications waiting for one. Nothing before DIGEST_HOUR."""
    now = timezone.localtime()
    today = today or fiscal.today()
    if (now.hour if hour is None else hour) < DIGEST_HOUR:
        return []
    waiting = set(
        Notification.objects.filter(email_status=EmailStatus.DIGEST, digest=None).values_list(
            "user_id", flat=True
        )
    )
    if not waiting:
        return []
    with transaction.atomic():
        NotificationDigest.objects.bulk_create(
            [NotificationDigest(user_id=pk, day=today) for pk in sorted(waiting)],
            ignore_conflicts=True,
        )
        due = list(
            NotificationDigest.objects.filter(day=today, user_id__in=waiting, sent_at=None)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if due:
            outbox_enqueue_many(task_name=DIGEST_TASK, args_list=[[pk] for pk in due])
    return due


def digest_send(*, digest_id: int) -> bool:
    """Send one daily digest: the person's notifications waiting for one."""
    now = timezone.now()
    claimed = NotificationDigest.objects.filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE), pk=digest_id, sent_at=None
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    digest = NotificationDigest.objects.select_related("user").get(pk=digest_id)
    # Those already in it (a retry) stay; those that arrived since join it.
    Notification.objects.filter(
        user_id=digest.user_id, email_status=EmailStatus.DIGEST, digest=None
    ).update(digest=digest)
    items = list(Notification.objects.filter(digest=digest).order_by("created_at", "pk"))
    pending = [n for n in items if n.email_status == EmailStatus.DIGEST]
    if pending and digest.user.email:
        try:
            _send(
                to=digest.user.email,
                subject=f"CSO Program: {len(pending)} update{'s' if len(pending) != 1 else ''}"
                f" for {digest.day:%A, %B} {digest.day.day}",
                template="notifications/email/digest",
                context={
                    "recipient": digest.user,
                    "digest": digest,
                    "items": [{"n": n, "link": _absolute(n.url) if n.url else ""} for n in pending],
                },
            )
        except Exception as exc:
            NotificationDigest.objects.filter(pk=digest_id, sent_at=None).update(
                claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
            )
            raise
    sent_at = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(digest=digest, email_status=EmailStatus.DIGEST).update(
            email_status=EmailStatus.DIGESTED, emailed_at=sent_at
        )
        NotificationDigest.objects.filter(pk=digest_id).update(sent_at=sent_at)
    return True
