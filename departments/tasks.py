"""Celery tasks of the departments app: the CSO training program's reminders.
Ids in, re-fetch, call a service; safe to run twice."""

import smtplib

from celery import shared_task

from .training import reminders


@shared_task(name="departments.training_reminders_scan", ignore_result=True)
def training_reminders_scan():
    return len(reminders.training_reminders_scan())


@shared_task(
    name="departments.training_reminder_deliver",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def training_reminder_deliver(reminder_id: int):
    return reminders.training_reminder_deliver(reminder_id=reminder_id)
