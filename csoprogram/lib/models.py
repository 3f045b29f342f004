"""Models of the ground floor: the in-app notifications and the outbox.

They belong to the csoprogram app (its migrations create their tables);
csoprogram/models.py imports them so that Django finds them.
"""

from django.conf import settings
from django.db import models


class EmailStatus(models.TextChoices):
    """What happens to a notification by e-mail."""

    NONE = "none", "Not e-mailed"  # in-app only: opted out, no address, or a reminder
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DIGEST = "digest", "Waiting for the daily digest"
    DIGESTED = "digested", "Sent in the daily digest"


class NotificationDigest(models.Model):
    """One daily digest e-mail to one person: the row is the claim (unique per
    person and day), sent_at records that it went out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_person_and_day")
        ]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"


class Notification(models.Model):
    """An in-app notification (the bell in the header), e-mailed on its own or
    in the daily digest. A workflow event (event_key) notifies each person once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, blank=True)
    event_key = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        NotificationDigest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_status", "user"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "user"],
                condition=~models.Q(event_key=""),
                name="one_notification_per_event_and_person",
            )
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """How a person wants workflow notifications by e-mail. No row: every kind,
    one e-mail each. In-app notifications are always made."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_off = models.JSONField(
        default=list, blank=True, help_text="Kinds this person does not want by e-mail."
    )
    daily_digest = models.BooleanField(
        default=False, help_text="One e-mail a day listing the notifications, instead of one each."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Notification preferences of {self.user}"


class OutboxMessage(models.Model):
    """A Celery task to send once the transaction that asked for it commits.

    Written in the same transaction as the change that needs it, so work is
    never lost; sent right after commit, and by the beat-driven drain when the
    broker was down at that moment, so a web request never waits on Redis.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
