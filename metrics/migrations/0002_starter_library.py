from django.db import migrations

STARTERS = [
    (
        "Average wait time",
        "Average minutes a customer waits from arrival (or call start) until served, "
        "over all customers served in the period.",
        "minutes",
        "lower",
        "monthly",
        "average",
        "Queue management system",
    ),
    (
        "First-contact resolution",
        "Share of requests resolved at the first contact, without a transfer or call-back.",
        "percent",
        "higher",
        "monthly",
        "average",
        "Case management system",
    ),
    (
        "On-time completion",
        "Share of service requests completed within the promised service level.",
        "percent",
        "higher",
        "quarterly",
        "average",
        "Work order system",
    ),
    (
        "Customer satisfaction score",
        "Average score (1 to 5) given by customers in the post-service survey.",
        "score",
        "higher",
        "quarterly",
        "average",
        "Customer survey",
    ),
    (
        "Follow-up within 3 days",
        "Share of customers who received a follow-up within three working days of their request.",
        "percent",
        "higher",
        "monthly",
        "average",
        "Case management system",
    ),
]


def add_starters(apps, schema_editor):
    StarterMetric = apps.get_model("metrics", "StarterMetric")
    for name, definition, unit, direction, frequency, rollup, source in STARTERS:
        StarterMetric.objects.get_or_create(
            name=name,
            defaults={
                "definition": definition,
                "unit": unit,
                "direction": direction,
                "frequency": frequency,
                "rollup": rollup,
                "data_source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [migrations.RunPython(add_starters, migrations.RunPython.noop)]
