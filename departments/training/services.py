"""The training program's rules: the CCSO defines modules and sessions and
records who attended and who completed a module."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from departments import roles
from departments.models import DepartmentRole, User

from .models import (
    TrainingAttendance,
    TrainingCompletion,
    TrainingModule,
    TrainingReminder,
    TrainingSession,
)

MODULE_FIELDS = ("title", "description", "materials_url", "required", "order")
SESSION_FIELDS = ("starts_at", "online", "place", "facilitator")


def module_save(*, module: TrainingModule | None = None, **data) -> TrainingModule:
    module = module or TrainingModule()
    for name in MODULE_FIELDS:
        setattr(module, name, data[name])
    module.save()
    return module


def session_save(
    *, module: TrainingModule, session: TrainingSession | None = None, **data
) -> TrainingSession:
    session = session or TrainingSession(module=module)
    for name in SESSION_FIELDS:
        setattr(session, name, data[name])
    session.save()
    return session


def active_cso_ids() -> set[int]:
    return set(
        User.objects.filter(
            is_active=True,
            assignments__role=DepartmentRole.CSO,
            assignments__department__active=True,
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def attendance_record(
    *, actor: User, session: TrainingSession, attended: set[int], completed: set[int]
) -> None:
    """Make the session's attendance exactly `attended`, and record the
    module completed (on the session's date) for `completed`; a CSO unticked
    from `completed` no longer has the module completed."""
    csos = active_cso_ids()
    if (attended | completed) - csos:
        raise ValidationError("Attendance and completion are recorded for active CSOs only.")
    TrainingAttendance.objects.filter(session=session).exclude(user_id__in=attended).delete()
    present = set(
        TrainingAttendance.objects.filter(session=session).values_list("user_id", flat=True)
    )
    TrainingAttendance.objects.bulk_create(
        [
            TrainingAttendance(session=session, user_id=u, recorded_by=actor)
            for u in attended - present
        ]
    )
    TrainingCompletion.objects.filter(module_id=session.module_id, user_id__in=csos).exclude(
        user_id__in=completed
    ).delete()
    for user_id in completed:
        completion_record(
            actor=actor,
            module=session.module,
            user_id=user_id,
            completed_on=timezone.localtime(session.starts_at).date(),
        )


def completion_record(
    *, actor: User, module: TrainingModule, user_id: int, completed_on: date
) -> TrainingCompletion:
    """Once per person and module; recording it again keeps the first date."""
    try:
        with transaction.atomic():
            return TrainingCompletion.objects.create(
                module=module, user_id=user_id, completed_on=completed_on, recorded_by=actor
            )
    except IntegrityError:
        return TrainingCompletion.objects.get(module=module, user_id=user_id)


# -- reminders -----------------------------------------------------------------------


def training_reminder_claim(*, user_id: int, module_id: int) -> TrainingReminder | None:
    """Create the one reminder row for this person and module, or None if it
    exists (a second scan, a retry, a second beat)."""
    try:
        with transaction.atomic():
            return TrainingReminder.objects.create(user_id=user_id, module_id=module_id)
    except IntegrityError:
        return None


def training_reminder_take(*, reminder_id: int, lease) -> TrainingReminder | None:
    """Claim the row for sending (compare-and-swap): two workers never both
    send it; a claim whose worker died is taken again after `lease`."""
    now = timezone.now()
    claimed = TrainingReminder.objects.filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - lease), pk=reminder_id, sent_at=None
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    reminder = TrainingReminder.objects.select_related("user", "module").get(pk=reminder_id)
    if not reminder.user.is_active or not roles.is_cso(reminder.user):
        # No longer a CSO: nothing to send, and never again.
        TrainingReminder.objects.filter(pk=reminder_id).update(sent_at=now)
        return None
    return reminder


def training_reminder_done(*, reminder_id: int, emailed: bool) -> None:
    TrainingReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now(), emailed=emailed)


def training_reminder_failed(*, reminder_id: int, error: Exception) -> None:
    TrainingReminder.objects.filter(pk=reminder_id, sent_at=None).update(
        claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:500]
    )
