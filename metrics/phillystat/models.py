"""PhillyStat: the department's quarterly meeting, the CSO's narrative with
its notes on metrics, the commitments made there, and the background work
around it (reminders sent, review packets built).

Models of the metrics app (label "metrics"); metrics/models.py imports them.
Metrics are referred to by name ("metrics.Metric") because metrics.models
imports this module.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from csoprogram.lib import fiscal
from departments.models import Department


class PhillyStatMeeting(models.Model):
    """The department's PhillyStat meeting about one fiscal quarter's performance."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="phillystat_meetings"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    date = models.DateField()
    attendees = models.TextField(blank=True)
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phillystat_meetings",
        verbose_name="PhillyStat analyst",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Marked held by the analyst or the CCSO, on or after its date
    # (services.meeting_mark_held): the follow-up memo is drafted then.
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "quarter"],
                name="one_phillystat_meeting_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="meeting_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return f"PhillyStat meeting, {self.department}, {self.quarter_label}"

    def get_absolute_url(self):
        return reverse("metrics:meeting_detail", kwargs={"pk": self.pk})

    @property
    def fiscal_quarter(self) -> fiscal.Quarter:
        return fiscal.quarter(self.fiscal_year, self.quarter)

    @property
    def quarter_label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


class QuarterlyNarrative(models.Model):
    """The CSO's account of a quarter, written before the PhillyStat meeting."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="quarterly_narratives"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    what_changed = models.TextField("What changed this quarter", blank=True)
    # Impediments are the department's plans.Impediment records
    # (plans.selectors.impediments_listed), not text of the narrative.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # When the narrative was first complete (its text and a note on every red
    # value): corrections after the meeting do not move it.
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "quarter"],
                name="one_narrative_per_quarter",
            ),
        ]

    def __str__(self):
        return f"Quarterly narrative, {self.department}, FY{self.fiscal_year} Q{self.quarter}"


class NarrativeCorrection(models.Model):
    """A change to a quarterly narrative after its PhillyStat meeting: kept
    with who asked and why, and applied once the CCSO (or a designated
    approver) approves it."""

    narrative = models.ForeignKey(
        QuarterlyNarrative, on_delete=models.CASCADE, related_name="corrections"
    )
    # Denormalised: the approval list and the audit filter by department.
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    what_changed = models.TextField("What changed this quarter", blank=True)
    notes = models.JSONField(default=dict, help_text="Metric id -> note.")
    reason = models.TextField()
    status = models.CharField(max_length=10, default="pending")  # metrics.models.CorrectionStatus
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="narrative_correction_needs_reason"
            ),
            models.UniqueConstraint(
                fields=["narrative"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_narrative",
            ),
        ]

    def __str__(self):
        return f"Correction of {self.narrative}"

    @property
    def decide_url(self) -> str:
        return reverse("metrics:narrative_correction_decide", kwargs={"pk": self.pk})


class MetricNote(models.Model):
    """The narrative's note about one metric; required for a red value."""

    narrative = models.ForeignKey(
        QuarterlyNarrative, on_delete=models.CASCADE, related_name="metric_notes"
    )
    metric = models.ForeignKey(
        "metrics.Metric", on_delete=models.CASCADE, related_name="narrative_notes"
    )
    note = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["narrative", "metric"], name="one_note_per_metric"),
        ]

    def __str__(self):
        return f"{self.metric}: {self.note[:40]}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Commitment(models.Model):
    """What someone committed to at a PhillyStat meeting; carried forward to the
    department's next meetings until its owner marks it done (or the analyst or
    the CCSO drops it). The owner is the department's CSO, head or analyst, or
    the CCSO (phillystat.commitments.commitment_owners)."""

    meeting = models.ForeignKey(
        PhillyStatMeeting, on_delete=models.CASCADE, related_name="commitments"
    )
    # Denormalised for the department's open commitments across meetings.
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    what = models.TextField("Commitment")
    # Null only when the person was deleted (people leave by being deactivated
    # and handed over; the column is kept rather than losing the commitment).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="commitments_owned",
        verbose_name="Owner",
    )
    due = models.DateField("Due date")
    status = models.CharField(
        max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField("Closing note", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["department", "closed_at"]),
            models.Index(fields=["status", "due"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            # Open means not closed; done or dropped says when.
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status__in=["done", "dropped"]) & Q(closed_at__isnull=False)),
                name="commitment_status_matches_closed_at",
            ),
        ]

    def __str__(self):
        return self.what[:60]

    def get_absolute_url(self):
        return reverse("metrics:meeting_detail", kwargs={"pk": self.meeting_id}) + (
            f"#commitment-{self.pk}"
        )

    @property
    def is_open(self) -> bool:
        return self.status == CommitmentStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due < fiscal.today()


class CommitmentFollowUp(models.Model):
    """One follow-up of one commitment: due in 3 days (the owner), overdue (the
    owner and the department head), a week overdue (the CCSO).

    The row is the claim, like ReminderDelivery: its unique constraint makes a
    second scan, a retry or a second beat create nothing more; the delivery
    notifies through notify(), whose event key (the row) tells each person once.
    """

    class Kind(models.TextChoices):
        DUE = "due", "Due in 3 days"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "A week overdue"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due = models.DateField(help_text="The due date the follow-up was about.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Per due date: a commitment given a new due date is followed up again.
            models.UniqueConstraint(
                fields=["commitment", "kind", "due"], name="one_follow_up_per_commitment_kind_due"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.commitment}"


class FollowUpMemo(models.Model):
    """The memo after a PhillyStat meeting: drafted when the meeting is marked
    held, edited by the analyst or the CCSO, sent once (PDF attached) to the
    attendees and the commitment owners. memos.py holds its rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    meeting = models.OneToOneField(
        PhillyStatMeeting, on_delete=models.CASCADE, related_name="follow_up_memo"
    )
    attendance = models.TextField("Attendance", blank=True)
    # [{"metric_id", "metric", "value", "status", "note"}], one per metric discussed.
    discussion = models.JSONField(default=list, blank=True)
    # [{"what", "owner", "due"}]: the commitments as they were when drafted,
    # taken again when it is sent.
    commitments = models.JSONField(default=list, blank=True)
    other_notes = models.TextField("Other notes", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    send_requested_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.CharField(max_length=300, blank=True, help_text="Storage name of the PDF.")
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    recipients = models.JSONField(default=list, blank=True, help_text="Who it was sent to.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="sent_memo_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"Follow-up memo, {self.meeting}"

    def get_absolute_url(self):
        return reverse("metrics:meeting_memo", kwargs={"pk": self.meeting_id})


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
    # The lease of the process fanning the build out or merging it: it beats
    # while it works; a build whose heartbeat stopped is taken over (packets_sweep).
    # Null while the sections are being built (they hold leases of their own).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    build_token = models.CharField(max_length=32, blank=True)
    built_by = models.CharField(max_length=200, blank=True, help_text="Worker host and process.")
    # What the packet was built from: the SHA-256 of its sections' fingerprints.
    fingerprint = models.CharField(max_length=64, blank=True)
    # The data changed after the build (seen by packets_freshness_check); it is
    # rebuilt once the changes have settled for a few minutes.
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outcomes") | Q(meeting__isnull=False, department__isnull=False),
                name="department_packet_has_meeting",
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("metrics:packet_download", kwargs={"pk": self.pk})


class PacketSection(models.Model):
    """One department's part of a review packet, built by a task of its own
    (several workers share an outcomes packet) and kept by its data
    fingerprint, so a department whose data did not change is not rendered again."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    packet = models.ForeignKey(ReviewPacket, on_delete=models.CASCADE, related_name="sections")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(help_text="Place in the agenda order.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.CharField(max_length=300, blank=True, help_text="Storage name of the PDF.")
    pages = models.PositiveIntegerField(default=0)
    # [heading, page within the section] in agenda order, for the table of contents.
    contents = models.JSONField(default=list, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    build_token = models.CharField(max_length=32, blank=True)
    built_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["packet", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["packet", "department"], name="one_section_per_packet_department"
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"{self.packet} — {self.department}"
