import smtplib

from celery import shared_task

from departments.uploads.services import checked_uploads_purge

from .lib import notification_email as emails
from .lib.outbox import outbox_drain

# SMTP and network trouble is worth retrying; a bug is not.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="csoprogram.outbox_drain", ignore_result=True)
def outbox_drain_task():
    # The minute's upkeep: also drop checked uploads that expired unimported.
    checked_uploads_purge()
    return outbox_drain()


@shared_task(name="csoprogram.notification_email", ignore_result=True, **RETRY)
def notification_email_task(notification_id: int):
    return emails.notification_email_send(notification_id=notification_id)


@shared_task(name="csoprogram.notification_digests_scan", ignore_result=True)
def notification_digests_scan_task():
    """Hourly: from 7 a.m., one digest per person and day of what they were told."""
    return len(emails.digests_scan())


@shared_task(name="csoprogram.notification_digest_send", ignore_result=True, **RETRY)
def notification_digest_send_task(digest_id: int):
    return emails.digest_send(digest_id=digest_id)
