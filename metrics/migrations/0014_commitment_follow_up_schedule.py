from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# Hourly, like the PhillyStat reminders: a run is cheap and idempotent (each
# follow-up is recorded once per commitment, kind and due date), and a beat that
# was down catches up within the hour.
SCHEDULE = ("Commitments due, overdue and escalated", "metrics.commitments_follow_up_scan")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE[0],
        defaults={
            "task": SCHEDULE[1],
            "interval": hourly,
            "last_run_at": timezone.now() - timedelta(days=1),
        },
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=SCHEDULE[1]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0013_commitments_owned_by_people"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
