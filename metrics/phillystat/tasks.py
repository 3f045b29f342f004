"""Celery tasks of PhillyStat: ids in, re-fetch, call a service; safe to run twice."""

import smtplib

from celery import shared_task

from . import packets, reminders

# SMTP and network trouble is worth retrying; a bug is not.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(name="metrics.phillystat_reminders_scan", ignore_result=True)
def phillystat_reminders_scan():
    """Hourly: remind about PhillyStat meetings 14, 7 and 1 days ahead; escalate."""
    return len(reminders.reminders_scan())


@shared_task(
    name="metrics.reminder_deliver",
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def reminder_deliver(delivery_id: int):
    return reminders.reminder_deliver(delivery_id=delivery_id)


@shared_task(name="metrics.packets_schedule_due", ignore_result=True)
def packets_schedule_due():
    """Daily: build the packets of meetings three days ahead."""
    return len(packets.packets_schedule_due())


@shared_task(
    name="metrics.packet_build",
    ignore_result=True,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_jitter=True,
    max_retries=3,
)
def packet_build(packet_id: int):
    return packets.packet_build(packet_id=packet_id)
