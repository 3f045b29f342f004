"""Celery finds tasks in <app>.tasks: the metrics app's are PhillyStat's."""

from .phillystat.tasks import (  # noqa: F401
    packet_build,
    packets_schedule_due,
    phillystat_reminders_scan,
    reminder_deliver,
)
