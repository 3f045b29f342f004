from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# Hourly rather than once a day: a run is cheap and idempotent (each reminder is
# recorded once per meeting, recipient and offset), and a beat that was down at
# the usual hour catches up within the hour.
SCHEDULES = [
    ("PhillyStat reminders and escalation", "metrics.phillystat_reminders_scan"),
    ("Review packets for meetings three days ahead", "metrics.packets_schedule_due"),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    for name, task in SCHEDULES:
        PeriodicTask.objects.get_or_create(
            name=name,
            # Due at once when beat first starts, then every hour.
            defaults={
                "task": task,
                "interval": hourly,
                "last_run_at": timezone.now() - timedelta(days=1),
            },
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[t for _, t in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0003_reminders_and_review_packets"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
