"""Time the CSV import of 10,000 metric values (the issue asks for under 2 s on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cso_bench \
        .venv/bin/python benchmarks/import_values.py

Migrates the database named by DATABASE_URL (use a scratch one), makes a
department with 100 monthly metrics and an analyst, then imports a 10,000-row
CSV (100 metrics x 100 months) several times, deleting the values between
runs, and prints each run and the median. Cleans up after itself.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csoprogram.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from csoprogram.lib import fiscal  # noqa: E402
from departments.models import Department, DepartmentAssignment, User  # noqa: E402
from metrics import imports  # noqa: E402
from metrics.models import Metric, MetricValue, MetricVersion  # noqa: E402

METRICS, MONTHS, RUNS = 100, 100, 5
SLUG = "benchmark-import"


def setup():
    department, _ = Department.objects.get_or_create(
        slug=SLUG, defaults={"name": "Benchmark Department"}
    )
    analyst, _ = User.objects.get_or_create(username="benchmark-analyst")
    DepartmentAssignment.objects.get_or_create(user=analyst, department=department, role="analyst")
    for i in range(METRICS):
        metric, created = Metric.objects.get_or_create(
            code=f"{SLUG}-{i}",
            defaults={
                "department": department,
                "name": f"Benchmark metric {i}",
                "definition": "Benchmark",
                "unit": "count",
                "direction": "higher",
                "frequency": "monthly",
                "target_value": 50,
                "amber_band": 10,
            },
        )
        if created:
            MetricVersion.objects.create(
                metric=metric,
                number=1,
                effective_from=fiscal.quarter(2000, 1).start,
                definition="Benchmark",
                unit="count",
                direction="higher",
                target_value=50,
                amber_band=10,
            )
    return department, analyst


def csv_bytes() -> bytes:
    last = fiscal.last_completed_quarter().months()[-1]
    months = []
    y, m = last.year, last.month
    for _ in range(MONTHS):
        months.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    lines = ["metric,period,value,note"]
    for i in range(METRICS):
        for j, month in enumerate(months):
            # A reason on every row: most months are in locked quarters.
            lines.append(f"{SLUG}-{i},{month},{(i * 7 + j * 3) % 100},Backfill from the source")
    return ("\n".join(lines) + "\n").encode()


def main():
    call_command("migrate", verbosity=0)
    department, analyst = setup()
    data = csv_bytes()
    rows = len(data.splitlines()) - 1
    print(f"Database: {connection.vendor}; rows: {rows:,}; bytes: {len(data):,}")
    times = []
    # Every month open for changes, so each row is a value stored (the file's
    # months reach back eight years, into quarters closed for changes, where
    # each row would be a correction waiting for approval).
    opened = override_settings(METRIC_VALUES_GRACE_DAYS=100_000)
    opened.enable()
    try:
        for run in range(1, RUNS + 1):
            MetricValue.objects.filter(metric__department=department).delete()
            start = time.perf_counter()
            result = imports.values_import(user=analyst, data=data)
            elapsed = time.perf_counter() - start
            assert result.ok, result.errors[:5]
            assert MetricValue.objects.filter(metric__department=department).count() == 10_000
            times.append(elapsed)
            print(f"run {run}: {elapsed:.3f} s")
        print(f"median: {statistics.median(times):.3f} s to import 10,000 values")
    finally:
        opened.disable()
        department.delete()
        User.objects.filter(username="benchmark-analyst").delete()


if __name__ == "__main__":
    main()
