from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# The sweep gives the work of a dead worker to a live one: every 15 seconds, so
# that a killed build is taken over within a minute (its lease is 30 seconds).
SWEEP = ("Take over review packet builds whose worker died", "metrics.packets_sweep", 15, "seconds")
FRESHNESS = (
    "Rebuild review packets whose data changed",
    "metrics.packets_freshness_check",
    1,
    "minutes",
)


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in (SWEEP, FRESHNESS):
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": interval,
                "last_run_at": timezone.now() - timedelta(days=1),
            },
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[SWEEP[1], FRESHNESS[1]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0010_packet_sections_and_leases"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
