from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Send queued work left by a broker outage",
        defaults={
            "task": "csoprogram.outbox_drain",
            "interval": every_minute,
            "last_run_at": timezone.now() - timedelta(days=1),
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="csoprogram.outbox_drain").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("csoprogram", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
