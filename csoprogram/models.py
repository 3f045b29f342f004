from django.conf import settings
from django.db import models

from csoprogram.lib.models import (  # noqa: F401 - registered here
    Notification,
    NotificationDigest,
    NotificationPreference,
    OutboxMessage,
)


class ProgramMeeting(models.Model):
    """An outcomes session or a program update: who attended, which
    departments presented in which order, notes and action items."""

    class Kind(models.TextChoices):
        OUTCOMES_SESSION = "outcomes_session", "Outcomes session"
        PROGRAM_UPDATE = "program_update", "Program update"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    attendees = models.TextField(blank=True, help_text="One name or group per line.")
    notes = models.TextField(blank=True)
    departments = models.ManyToManyField(
        "departments.Department",
        through="ProgramMeetingDepartment",
        related_name="program_meetings",
        verbose_name="Departments presenting",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title or f"{self.get_kind_display()}, {self.date:%-d %B %Y}"


class ProgramMeetingDepartment(models.Model):
    """A department presenting at a program meeting, in agenda order."""

    meeting = models.ForeignKey(ProgramMeeting, on_delete=models.CASCADE, related_name="agenda")
    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="department_presents_once_per_meeting"
            )
        ]

    def __str__(self):
        return f"{self.order}. {self.department}"


class ProgramActionItem(models.Model):
    """What a program meeting asked someone to do, by when."""

    meeting = models.ForeignKey(
        ProgramMeeting, on_delete=models.CASCADE, related_name="action_items"
    )
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for an item for the whole program.",
    )
    what = models.TextField("Action item")
    owner = models.CharField("Owner", max_length=200)
    due = models.DateField("Due date")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.what[:60]


class DepartmentPublication(models.Model):
    """A department's request to publish its approved mission, vision, area of
    focus and chosen metrics on the public pages; public once the CCSO approves."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for approval"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    department = models.OneToOneField(
        "departments.Department", on_delete=models.CASCADE, related_name="publication"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    metrics = models.ManyToManyField(
        "metrics.Metric", blank=True, related_name="+", verbose_name="Customer service metrics"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Public page of {self.department}: {self.get_status_display()}"


from csoprogram.history import register_history  # noqa: E402

register_history()


class CalendarFeed(models.Model):
    """A person's private calendar feed: their meetings and due dates, read by
    their calendar application from a secret address. Only the SHA-256 of the
    secret is kept (the address is shown once); making a new one or revoking
    it stops the old address at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
