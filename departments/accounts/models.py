"""Invitations to join the program and API tokens. Imported into departments.models.

Neither keeps its secret: the database holds a SHA-256 of the invitation link's
token and of the API token, so a copy of the database opens no account.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Invitation(models.Model):
    """A one-time, expiring link that lets an invited person set a password
    (or sign in with single sign-on) and start."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # A newer invitation, a deactivation or an acceptance by single sign-on
    # cancels the links still open.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at=None) | Q(cancelled_at=None),
                name="invitation_accepted_or_cancelled_not_both",
            )
        ]

    def __str__(self):
        return f"Invitation of {self.user}"


class ApiToken(models.Model):
    """A named API token of one person, shown to them once when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("Token name", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
