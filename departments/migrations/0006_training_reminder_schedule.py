from datetime import timedelta

from django.db import migrations
from django.utils import timezone

NAME = "CSO training reminders"
TASK = "departments.training_reminders_scan"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Hourly like the PhillyStat reminders: cheap, idempotent (one reminder per
    # person and module), and a beat that was down catches up within the hour.
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": hourly,
            "last_run_at": timezone.now() - timedelta(days=1),
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0005_roster_history_invitations_tokens_training"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
