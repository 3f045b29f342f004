"""The program-wide benchmark (`make bench`): one JSON line per figure.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cso_bench_all make bench
    .venv/bin/python benchmarks/run.py > var/bench.jsonl   (the same, by hand)
    .venv/bin/python benchmarks/table.py var/bench.jsonl  (the README table)

DATABASE_URL must name a scratch PostgreSQL database whose name contains
"bench" (created if missing); the dev and test databases are never touched.
RUNS (default 5) sets how many timed runs each median is taken over,
PACKET_RUNS (default 1) the same for the PDF packets, SIZES (default "60,300")
the program sizes, BENCH_PACKETS=0 leaves the packets out (the outcomes packet
takes minutes). The broker is Redis when CELERY_BROKER_URL names one (what the
scan and the packets publish goes there; nothing consumes it), else memory://.

Each line: {"figure", "departments", "persona", "queries", "median_ms",
"html_kib", "floor_ms", "peak_rss_mib"} (null where a figure has no such
measure). The figures:

- the pages department_page, theme_board, plan_page, metric_page,
  program_review, outcomes_dashboard, metrics_list, focus_group_list and
  inbox, each for the CCSO ("ccso") and for a CSO of one department ("cso");
  floor_ms is hand-written SQL fetching exactly what the page shows
  (benchmarks/pages.py), never the page's own SQL replayed. A page a persona
  may not open has "status" (403) and no times.
- reminder_scan (every department's meeting due), csv_import_10000 (at the
  smallest size), department_packet and outcomes_packet (at the smallest
  size; peak_rss_mib is this process's peak, the build running in process).

Seeding (benchmarks/_seed.py with benchmarks/_realism.py) makes a program
that looks real: per department a plan, 8 quarterly metrics x 12 quarters and
2 monthly metrics x 36 months, 5 sessions with 50 feedback items of varied
length, narratives with notes on red values, commitments, corrections,
impediments and history rows. Lines starting with "#" are remarks (machine,
load, seeding), not figures.
"""

import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cso_bench_all"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "csoprogram.settings"
os.environ["MEDIA_ROOT"] = MEDIA_ROOT = tempfile.mkdtemp(prefix="cso-bench-media-")
# Work queued by the scan or a packet goes to Redis when one is named (nothing
# consumes it there), else to an in-memory broker; never to var/broker.
if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
    os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("EMAIL_URL", "memorymail://")

RUNS = int(os.environ.get("RUNS", "5"))
PACKET_RUNS = int(os.environ.get("PACKET_RUNS", "1"))
PACKETS = os.environ.get("BENCH_PACKETS", "1") != "0"
SIZES = [int(s) for s in os.environ.get("SIZES", "60,300").split(",") if s.strip()]


from benchmarks._db import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import _seed, pages  # noqa: E402
from benchmarks.import_values import csv_bytes as import_csv_bytes  # noqa: E402
from benchmarks.import_values import setup as import_setup  # noqa: E402
from csoprogram.lib import fiscal  # noqa: E402
from csoprogram.models import OutboxMessage  # noqa: E402
from metrics import imports  # noqa: E402
from metrics.models import MetricValue, PhillyStatMeeting, ValueCorrection  # noqa: E402
from metrics.phillystat.models import ReminderDelivery, ReviewPacket  # noqa: E402
from metrics.phillystat.packets import packet_build_in_process  # noqa: E402
from metrics.phillystat.reminders import reminders_scan  # noqa: E402


def emit(row: dict) -> None:
    full = {
        "figure": row.pop("figure"),
        "departments": row.pop("departments", None),
        "persona": row.pop("persona", None),
        "queries": row.pop("queries", None),
        "median_ms": row.pop("median_ms", None),
        "html_kib": row.pop("html_kib", None),
        "floor_ms": row.pop("floor_ms", None),
        "peak_rss_mib": row.pop("peak_rss_mib", None),
        **row,
    }
    print(json.dumps(full), flush=True)


def remark(text: str) -> None:
    print(f"# {text}", flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def time_reminder_scan(size: int) -> None:
    meetings = PhillyStatMeeting.objects.filter(department__slug__startswith=_seed.prefix(size))

    def clear():
        ReminderDelivery.objects.filter(meeting__in=meetings).delete()
        OutboxMessage.objects.filter(task_name="metrics.reminder_deliver").delete()

    times, created, queries = [], 0, 0
    for _ in range(RUNS):
        clear()
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            created = len(reminders_scan())
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
    clear()
    emit(
        {
            "figure": "reminder_scan",
            "departments": size,
            "queries": queries,
            "median_ms": ms(statistics.median(times)),
            "meetings_due": meetings.count(),
            "reminders_created": created,
        }
    )


def time_import(size: int) -> None:
    """The 10,000-value CSV twice: with every month open for changes (the
    values stored: what the issue's 2 s target is about), and as the file
    falls today (its months in quarters closed for changes: each value a
    correction waiting for approval)."""
    department, analyst = import_setup()
    data = import_csv_bytes()
    rows = len(data.splitlines()) - 1
    try:
        for figure, grace_days in (
            (f"csv_import_{rows}", 100_000),  # every month still open
            (f"csv_import_{rows}_locked", settings.METRIC_VALUES_GRACE_DAYS),
        ):
            times, queries = [], 0
            with override_settings(METRIC_VALUES_GRACE_DAYS=grace_days):
                for _ in range(RUNS):
                    MetricValue.objects.filter(metric__department=department).delete()
                    ValueCorrection.objects.filter(metric__department=department).delete()
                    reset_queries()
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        result = imports.values_import(user=analyst, data=data)
                        times.append(time.perf_counter() - t0)
                    queries = len(ctx.captured_queries)
                    assert result.ok, result.errors[:5]
            values = MetricValue.objects.filter(metric__department=department).count()
            waiting = ValueCorrection.objects.filter(metric__department=department).count()
            assert values + waiting >= rows, (values, waiting, rows)
            emit(
                {
                    "figure": figure,
                    "departments": size,
                    "queries": queries,
                    "median_ms": ms(statistics.median(times)),
                    "values_stored": values,
                    "corrections_waiting": waiting,
                }
            )
    finally:
        department.delete()
        analyst.delete()


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux: the peak of this process (the build runs in it).
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _build(packet: ReviewPacket) -> tuple[float, ReviewPacket]:
    t0 = time.perf_counter()
    assert packet_build_in_process(packet_id=packet.pk), "the build was not claimed"
    elapsed = time.perf_counter() - t0
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    return elapsed, packet


def time_packets(size: int) -> None:
    department = _seed.departments(size).order_by("slug").first()
    quarter = fiscal.last_completed_quarter()
    meeting, _ = PhillyStatMeeting.objects.get_or_create(
        department=department,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        defaults={"date": fiscal.today()},
    )

    def department_packet():
        ReviewPacket.objects.filter(meeting=meeting).delete()
        return ReviewPacket.objects.create(
            kind="department", meeting=meeting, department=department, title="Benchmark packet"
        )

    def outcomes_packet():
        return ReviewPacket.objects.create(kind="outcomes", title="Benchmark outcomes packet")

    for figure, make in (
        ("department_packet", department_packet),
        ("outcomes_packet", outcomes_packet),
    ):
        times, packet = [], None
        for _ in range(PACKET_RUNS):
            elapsed, packet = _build(make())
            times.append(elapsed)
        emit(
            {
                "figure": figure,
                "departments": 1 if figure == "department_packet" else size,
                "median_ms": ms(statistics.median(times)),
                "peak_rss_mib": _peak_rss_mib(),
                "runs": PACKET_RUNS,
                "pdf_pages": packet.pages,
                "pdf_kib": packet.size // 1024,
                "note": "built in this process, one worker (no fan-out), peak RSS of this process",
            }
        )
    ReviewPacket.objects.filter(title__startswith="Benchmark").delete()


def main() -> None:
    started = time.perf_counter()
    remark(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    remark(
        f"machine: {os.cpu_count()} CPUs (nproc), {platform.machine()}, "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )
    remark(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    remark(f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}")
    remark(f"runs per median: {RUNS}; packets: {PACKET_RUNS if PACKETS else 'not built'}")
    remark(load())
    call_command("migrate", verbosity=0)
    for size in SIZES:
        t0 = time.perf_counter()
        seeded = _seed.seed(size)
        remark(
            f"seed {size}: {'seeded now' if seeded else 'already there'} in "
            f"{time.perf_counter() - t0:.0f} s; {json.dumps(_seed.counts(size))}"
        )
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    try:
        for size in SIZES:
            _seed.activate(size)
            # Fresh planner statistics (a bulk load leaves none until autovacuum runs).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            remark(f"{size} departments: {load()}")
            if os.environ.get("BENCH_PAGES", "1") != "0":
                pages.time_pages(size, RUNS, emit, host)
            time_reminder_scan(size)
            if size == min(SIZES):
                time_import(size)
                if PACKETS:
                    time_packets(size)
            remark(f"{size} departments done: {load()}")
    finally:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    remark(f"total {time.perf_counter() - started:.0f} s; {load()}")


if __name__ == "__main__":
    main()
