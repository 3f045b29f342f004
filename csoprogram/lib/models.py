"""Models of the ground floor: the in-app notifications and the outbox.

They belong to the csoprogram app (its migrations create their tables);
csoprogram/models.py imports them so that Django finds them.
"""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app notification (the bell in the header)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


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
