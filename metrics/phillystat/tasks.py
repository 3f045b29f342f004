"""Celery tasks of PhillyStat: ids in, re-fetch, call a service; safe to run twice."""

import smtplib

from celery import shared_task

from . import follow_ups, memos, packet_upkeep, packets, reminders

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


@shared_task(name="metrics.commitments_follow_up_scan", ignore_result=True)
def commitments_follow_up_scan():
    """Hourly: commitments due in 3 days, overdue, and a week overdue."""
    return len(follow_ups.commitments_follow_up_scan())


@shared_task(
    name="metrics.commitment_follow_up_deliver",
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def commitment_follow_up_deliver(follow_up_id: int):
    return follow_ups.commitment_follow_up_deliver(follow_up_id=follow_up_id)


@shared_task(name="metrics.packets_schedule_due", ignore_result=True)
def packets_schedule_due():
    """Hourly: build the packets of meetings up to three days ahead that have none."""
    return len(packet_upkeep.packets_schedule_due())


@shared_task(name="metrics.packets_sweep", ignore_result=True)
def packets_sweep():
    """Every 15 seconds: give builds whose worker died to a live worker."""
    return packet_upkeep.packets_sweep()


@shared_task(name="metrics.packets_freshness_check", ignore_result=True)
def packets_freshness_check():
    """Every minute: mark packets whose data changed stale; rebuild them once settled."""
    return packet_upkeep.packets_freshness_check()


# A build step that dies with its process is taken over through its lease
# (packets_sweep); these tasks never retry themselves.
@shared_task(name="metrics.packet_build", ignore_result=True)
def packet_build(packet_id: int):
    return packets.packet_build(packet_id=packet_id)


@shared_task(
    name="metrics.packet_section_build",
    ignore_result=True,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def packet_section_build(section_id: int):
    return packets.packet_section_build(section_id=section_id)


@shared_task(
    name="metrics.packet_merge", ignore_result=True, soft_time_limit=9 * 60, time_limit=10 * 60
)
def packet_merge(packet_id: int):
    return packets.packet_merge(packet_id=packet_id)


@shared_task(
    name="metrics.follow_up_memo_send",
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=8,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def follow_up_memo_send(memo_id: int):
    """Render the follow-up memo's PDF, mark it sent, tell its recipients (once)."""
    return memos.follow_up_memo_deliver(memo_id=memo_id)
