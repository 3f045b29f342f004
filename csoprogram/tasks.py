import smtplib

from celery import shared_task

from . import training_reminders
from .outbox import outbox_drain


@shared_task(name="csoprogram.outbox_drain", ignore_result=True)
def outbox_drain_task():
    return outbox_drain()


# The CSO training program's reminders (csoprogram.training_reminders).
@shared_task(name="csoprogram.training_reminders_scan", ignore_result=True)
def training_reminders_scan():
    return len(training_reminders.training_reminders_scan())


@shared_task(
    name="csoprogram.training_reminder_deliver",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def training_reminder_deliver(reminder_id: int):
    return training_reminders.training_reminder_deliver(reminder_id=reminder_id)
