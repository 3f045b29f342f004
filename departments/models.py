from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A person who signs in. Department roles are DepartmentAssignments;
    the program-wide roles (CCSO, MDO) are groups, see departments.roles."""

    reminders_by_email = models.BooleanField(
        "Send reminders by e-mail as well",
        default=True,
        help_text="Reminders always appear under Notifications; untick to stop the e-mails.",
    )
    # Part of the session hash: raising it (departments.sessions.end_all_sessions,
    # called at log-out) ends every session of this person on every device.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # Set by the CCSO on the roster: this person signs in with the city's single
    # sign-on only; the password form refuses them and they have no password.
    sso_only = models.BooleanField("Signs in with single sign-on only", default=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django keeps the hash of the password in each session and ends the
        # session when it no longer matches (that is how a password change
        # ends other sessions); the generation makes log-out do the same.
        # Django calls this with secret= for each SECRET_KEY_FALLBACKS entry.
        return salted_hmac(
            "departments.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Department(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=60, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("departments:detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return self.short_name or self.name


class DepartmentRole(models.TextChoices):
    CSO = "cso", "Customer Service Officer"
    HEAD = "head", "Department head"
    ANALYST = "analyst", "PhillyStat analyst"


class DepartmentAssignment(models.Model):
    """A user holds a role in a department. A person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=10, choices=DepartmentRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="unique_assignment_per_role"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.department}"


# Added by the roster, sign-in and training work (issue 16). Kept in modules of
# their own and imported here so that Django finds them in this app.
from departments.accounts.models import ApiToken, Invitation  # noqa: E402
from departments.history import register_history  # noqa: E402
from departments.training.models import (  # noqa: E402
    TrainingAttendance,
    TrainingCompletion,
    TrainingModule,
    TrainingReminder,
    TrainingSession,
)
from departments.uploads.models import CheckedUpload  # noqa: E402

register_history()

__all__ = [
    "ApiToken",
    "CheckedUpload",
    "Department",
    "DepartmentAssignment",
    "DepartmentRole",
    "Invitation",
    "TrainingAttendance",
    "TrainingCompletion",
    "TrainingModule",
    "TrainingReminder",
    "TrainingSession",
    "User",
]
