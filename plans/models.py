from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from departments.models import Department
from focusgroups.models import FeedbackItem, Theme


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class CustomerServicePlan(models.Model):
    """One plan per department per program year (the fiscal year it starts in)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="plans")
    program_year = models.PositiveSmallIntegerField(help_text="Fiscal year, e.g. 2027 for FY2027.")
    mission = models.TextField("Mission statement", blank=True)
    vision = models.TextField("Vision statement", blank=True)
    strengths = models.TextField(blank=True)
    opportunities = models.TextField(blank=True)
    sustainability = models.TextField("How the department will sustain the change", blank=True)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Bumped on every save; a save that names an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    ever_submitted = models.BooleanField(default=False)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "-program_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "program_year"], name="one_plan_per_department_year"
            ),
        ]

    def __str__(self):
        return f"{self.department} customer service plan, FY{self.program_year}"

    def get_absolute_url(self):
        return reverse("plans:plan_detail", kwargs={"pk": self.pk})


class AreaOfFocus(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        PROGRESSING = "progressing", "Progressing"
        SUSTAINED = "sustained", "Sustained"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(
        CustomerServicePlan, on_delete=models.CASCADE, related_name="areas_of_focus"
    )
    # Denormalised from plan for department-scoped queries and constraints.
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="areas_of_focus"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(default=1, help_text="Year of the plan: 1, 2 …")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    themes = models.ManyToManyField(Theme, related_name="areas_of_focus", blank=True)
    feedback_items = models.ManyToManyField(FeedbackItem, related_name="areas_of_focus", blank=True)
    progress_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_confirmed_at = models.DateTimeField(null=True, blank=True)
    progress_confirmation_note = models.TextField(blank=True)
    # Recorded by the metrics app (plans does not read metrics): when one of
    # the area's customer service metrics moved from its baseline toward its
    # target; cleared if corrected values no longer show it.
    progress_shown_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["year", "pk"]
        verbose_name_plural = "areas of focus"
        constraints = [
            # The program's rule: one realistic but impactful area of focus in
            # year one, whatever its status; a withdrawn one makes room.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(year=1) & ~Q(status="withdrawn"),
                name="one_year_one_area_per_plan",
            ),
            models.CheckConstraint(condition=Q(year__gte=1), name="area_year_positive"),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="withdrawn_area_says_when",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def has_progress(self) -> bool:
        """Year one has shown progress: a metric moved toward its target, or
        the CCSO confirmed it. SQL twin: plans.selectors.AREA_HAS_PROGRESS."""
        return bool(self.progress_confirmed_at or self.progress_shown_at)


EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)
PLAN_TEXT_FIELDS = ("mission", "vision", "strengths", "opportunities", "sustainability")


class CommentField(models.TextChoices):
    """The part of the plan a review comment is about."""

    GENERAL = "", "The plan as a whole"
    MISSION = "mission", "Mission statement"
    VISION = "vision", "Vision statement"
    STRENGTHS = "strengths", "Strengths"
    OPPORTUNITIES = "opportunities", "Opportunities"
    SUSTAINABILITY = "sustainability", "How the department will sustain the change"
    AREAS_OF_FOCUS = "areas_of_focus", "Area of focus"


class PlanComment(models.Model):
    """The review conversation: comments from the CSO, head and CCSO, and the
    notes that go with a request for changes, an endorsement or an approval."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ENDORSED = "endorsed", "Endorsed"
        APPROVED = "approved", "Approved"

    plan = models.ForeignKey(CustomerServicePlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(
        "About", max_length=20, choices=CommentField.choices, blank=True, default=""
    )
    body = models.TextField("Comment")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    plan_version = models.PositiveIntegerField(
        help_text="The plan version the comment was written against."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its author may edit or withdraw a comment for a short while (plans/comments.py);
    # every earlier text stays in the history.
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="plan_comment_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.plan}"


class ImpedimentKind(models.TextChoices):
    PUSHBACK = "pushback", "Pushback"
    RESOURCES = "resources", "Lack of resources"
    PRIORITIES = "priorities", "Competing priorities"
    PROCESS = "process", "Unclear process"
    OTHER = "other", "Other"


class Impediment(models.Model):
    """Something in the way of the department's change, and the help asked for."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="impediments")
    kind = models.CharField(max_length=12, choices=ImpedimentKind.choices)
    description = models.TextField()
    support_requested = models.TextField(blank=True)
    who_can_help = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "status"])]
        constraints = [
            # A resolved impediment says how it was resolved.
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(resolution=""),
                name="resolved_impediment_has_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:60]}"


class LeaderSupport(models.Model):
    """Support and encouragement a leader (the department head, the CCSO, the
    Managing Director's Office) gave the department's CSO, on an impediment or
    a success or in general."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="leader_support"
    )
    impediment = models.ForeignKey(
        Impediment, null=True, blank=True, on_delete=models.SET_NULL, related_name="support"
    )
    success = models.ForeignKey(
        "plans.Success", null=True, blank=True, on_delete=models.SET_NULL, related_name="support"
    )
    description = models.TextField("Support given")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "leader support"

    def __str__(self):
        return self.description[:60]


class Success(models.Model):
    """A success to celebrate at the program update."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="successes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    happened_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name_plural = "successes"
        indexes = [models.Index(fields=["department", "happened_on"])]

    def __str__(self):
        return self.title
