from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from departments.models import Department


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal customers"
    EXTERNAL = "external", "External customers"
    MIXED = "mixed", "Internal and external customers"


class CustomerType(models.TextChoices):
    INTERNAL = "internal", "Internal customer"
    EXTERNAL = "external", "External customer"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    SUGGESTION = "suggestion", "Suggestion"


class Theme(models.Model):
    """A program-wide theme of feedback. CSOs may propose one; it is usable in
    their department at once and shows as proposed until the CCSO decides."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PROPOSED = "proposed", "Proposed"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged"

    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_for = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposed_themes",
        help_text="The department whose CSO proposed the theme.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class FocusGroupSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="focus_group_sessions"
    )
    held_on = models.DateField("Date")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    participants = models.PositiveIntegerField("Number of participants", default=0)
    location = models.CharField(max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return f"{self.get_audience_display()} focus group, {self.held_on:%b %-d, %Y}"

    def get_absolute_url(self):
        return reverse("focusgroups:session_detail", kwargs={"pk": self.pk})


class FeedbackItem(models.Model):
    """What a customer said in a focus group session."""

    session = models.ForeignKey(
        FocusGroupSession, on_delete=models.CASCADE, related_name="feedback_items"
    )
    # Same as session.department; kept here so program-wide counts need no join.
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="feedback_items"
    )
    text = models.TextField("Feedback")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    themes = models.ManyToManyField(Theme, related_name="feedback_items", blank=True)
    possible_solution = models.TextField(blank=True)
    customer_type = models.CharField("From", max_length=10, choices=CustomerType.choices)
    shared_with_csos = models.BooleanField(
        "Share with other CSOs",
        default=False,
        help_text="Other departments' CSOs may read this feedback on the theme board.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Made by the entry form in the browser for each submission: a submission
    # sent again (a retry after a lost answer, a reload) saves the item once.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="feedback_text_not_empty"),
            models.UniqueConstraint(
                fields=["session", "client_token"],
                condition=models.Q(client_token__isnull=False),
                name="feedback_client_token_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["department", "sentiment"])]

    def __str__(self):
        return self.text[:60]


from focusgroups.history import register_history  # noqa: E402

register_history()
