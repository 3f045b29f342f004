"""Records of background work: reminders sent and review packets built.
Imported into metrics.models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from departments.models import Department


class ReminderKind(models.TextChoices):
    CSO = "cso", "Reminder to the CSO"
    ANALYST = "analyst", "Reminder to the PhillyStat analyst"
    HEAD = "head", "Escalation to the department head"
    CCSO = "ccso", "Escalation to the Chief Customer Service Officer"


class ReminderDelivery(models.Model):
    """One reminder to one person about one meeting at one offset.

    The row is the claim: its unique constraint makes a second scan, a retry
    or a second beat create nothing more, and sent_at records that it went out.
    """

    meeting = models.ForeignKey(
        "metrics.PhillyStatMeeting", on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    offset_days = models.SmallIntegerField(
        help_text="Days before the meeting (0: the meeting day)."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    missing = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "recipient", "kind", "offset_days"],
                name="one_reminder_per_meeting_recipient_offset",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}, {self.offset_days} days before"


class ReviewPacket(models.Model):
    """A PDF review packet: per department per PhillyStat meeting, or one for an
    outcomes session covering every department."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "PhillyStat meeting packet"
        OUTCOMES = "outcomes", "Outcomes session packet"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    meeting = models.OneToOneField(
        "metrics.PhillyStatMeeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="packet",
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="review_packets"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.CharField(max_length=300, blank=True, help_text="Storage name of the PDF.")
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    data_as_of = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outcomes") | Q(meeting__isnull=False, department__isnull=False),
                name="department_packet_has_meeting",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("metrics:packet_download", kwargs={"pk": self.pk})
