from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone


def record_progress(apps, schema_editor):
    """Areas of focus now keep whether their metrics showed progress (the
    plans app no longer reads metrics): record it for the data already there."""
    Metric = apps.get_model("metrics", "Metric")
    MetricValue = apps.get_model("metrics", "MetricValue")
    AreaOfFocus = apps.get_model("plans", "AreaOfFocus")
    latest = MetricValue.objects.filter(metric=OuterRef("pk")).order_by("-period_start")
    moved = (
        Metric.objects.filter(area_of_focus__isnull=False, baseline_value__isnull=False)
        .annotate(latest_value=Subquery(latest.values("value")[:1]))
        .filter(
            Q(direction="higher", latest_value__gt=F("baseline_value"))
            | Q(direction="lower", latest_value__lt=F("baseline_value"))
        )
        .values_list("area_of_focus_id", flat=True)
    )
    AreaOfFocus.objects.filter(pk__in=set(moved), progress_shown_at=None).update(
        progress_shown_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0004_background_schedules"),
        ("plans", "0003_area_of_focus_withdraw_and_progress"),
    ]

    operations = [migrations.RunPython(record_progress, migrations.RunPython.noop)]
