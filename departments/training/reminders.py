"""Reminders about required training modules not completed in time.

A daily scan finds each CSO appointed more than TRAINING_REMINDER_DAYS ago
who has not completed a required module, and reminds them once per module
(e-mail unless they chose in-app only, and an in-app notification). The
rules and the once-only claim are in services.py; this module sends them,
through the ground floor's notifications and outbox.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.notifications import notification_create
from csoprogram.lib.outbox import outbox_enqueue

from . import services
from .selectors import training_reminders_due

# A claimed reminder whose worker died is taken again after this long.
CLAIM_LEASE = timedelta(minutes=10)


def training_reminders_scan(*, now=None) -> list[int]:
    """Create (once) and queue the reminders due. Returns the new rows' ids."""
    now = now or timezone.now()
    created = []
    for user_id, module_id in training_reminders_due(
        now=now, after_days=settings.TRAINING_REMINDER_DAYS
    ):
        with transaction.atomic():
            reminder = services.training_reminder_claim(user_id=user_id, module_id=module_id)
            if reminder:
                outbox_enqueue(
                    task_name="departments.training_reminder_deliver", args=[reminder.pk]
                )
                created.append(reminder.pk)
    return created


def training_reminder_deliver(*, reminder_id: int) -> bool:
    """Send one reminder. True if this call sent it."""
    reminder = services.training_reminder_take(reminder_id=reminder_id, lease=CLAIM_LEASE)
    if reminder is None:
        return False
    person, module = reminder.user, reminder.module
    url = reverse("training:module_detail", kwargs={"pk": module.pk})
    subject = f"Training: “{module.title}” is still to do"
    emailed = False
    try:
        if person.reminders_by_email and person.email:
            body = render_to_string(
                "departments/email/training_reminder.txt",
                {
                    "person": person,
                    "module": module,
                    "days": settings.TRAINING_REMINDER_DAYS,
                    "url": f"{settings.SITE_URL}{url}",
                },
            )
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            emailed = True
    except Exception as error:
        services.training_reminder_failed(reminder_id=reminder_id, error=error)
        raise
    with transaction.atomic():
        notification_create(
            user=person,
            title=subject,
            body="A required module of the CSO training program. See its next session.",
            url=url,
        )
        services.training_reminder_done(reminder_id=reminder_id, emailed=emailed)
    return True
