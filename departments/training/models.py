"""The CSO training program the CCSO runs: modules, sessions, who attended,
who completed a module, and the reminders about required modules not done.
Imported into departments.models."""

from django.conf import settings
from django.db import models


class TrainingModule(models.Model):
    title = models.CharField("Title", max_length=200)
    description = models.TextField("What the module covers", blank=True)
    materials_url = models.URLField("Link to the materials", blank=True)
    required = models.BooleanField(
        "Required of every CSO",
        default=True,
        help_text="Required modules count towards “training n of m”; optional ones do not.",
    )
    order = models.PositiveSmallIntegerField("Order in the program", default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "title", "pk"]

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    """One time a module is taught, in a room or online."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField("Date and time")
    online = models.BooleanField("Online", default=False)
    place = models.CharField(
        "Place or meeting link",
        max_length=300,
        help_text="A room and building, or the link to join online.",
    )
    facilitator = models.CharField("Facilitator", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.module}, {self.starts_at:%-d %b %Y}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attendance"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attends_a_session_once")
        ]

    def __str__(self):
        return f"{self.user} attended {self.session}"


class TrainingCompletion(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    completed_on = models.DateField("Completed on")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "user"], name="completes_a_module_once")
        ]

    def __str__(self):
        return f"{self.user} completed {self.module}"


class TrainingReminder(models.Model):
    """The one reminder a CSO gets about one required module not done in time.
    The row is the claim: its unique constraint makes a second scan, a retry or
    a second beat create nothing more; sent_at records that it went out."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["module", "user"], name="one_training_reminder_per_person_module"
            )
        ]

    def __str__(self):
        return f"Training reminder to {self.user} about {self.module}"
