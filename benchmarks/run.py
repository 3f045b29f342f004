"""The program-wide benchmark: every main page, the outcomes dashboard against
its raw-SQL floor, the CSV import, the review packets and the reminder scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cso_bench_all \
        .venv/bin/python benchmarks/run.py

DATABASE_URL must name a scratch PostgreSQL database whose name contains
"bench" (the default is the one above; it is created if missing); the dev and
test databases are never touched. RUNS (default 5) sets how many timed runs
each median is taken over, PACKET_RUNS (default 3) the same for the PDF
packets (the 60-department one takes over a minute); SIZES (default "60,300")
the program sizes. A full run takes about 10 minutes on a 2-core machine, most
of it the outcomes packet.

What it does:

1. Migrates the database and seeds each size once (benchmarks/_seed.py:
   bulk_create in one transaction, slug prefix bench60- / bench300-, skipped
   when already there): per department 8 quarterly metrics x 12 quarters of
   values, 5 focus group sessions with 50 feedback items, a plan (stages
   cycle draft / submitted / changes requested / approved), three people and
   a PhillyStat meeting 14, 7, 1 or 0 days ahead.
2. For each size, makes only that size's departments active (so each page
   sees exactly 60 or 300) and runs ANALYZE, then through django.test.Client logged in as the
   Chief Customer Service Officer (the program-wide persona that sees every
   page) requests each main page RUNS times after one warm-up request and
   records the query count and the median server time (the time Client.get
   takes: middleware, view, templates, the database round trips).
3. The outcomes dashboard's raw-SQL floor: the SQL statements the request ran,
   replayed on the raw cursor with every row fetched (as
   benchmarks/outcomes_dashboard.py does), and the page's ratio to it.
4. The daily reminder scan (metrics.phillystat.reminders.reminders_scan) with every
   department's meeting due (its delivery rows are deleted between runs).
5. At 60 departments: the CSV import of 10,000 values (benchmarks/import_values.py's
   department and file), one department's review packet and the outcomes
   packet for all 60 departments (built through metrics.phillystat.packets.packet_build_in_process,
   as benchmarks/packets.py does; PDFs go to a temporary MEDIA_ROOT).

Prints one JSON line per figure as it is measured, then a table. Times are
medians over RUNS runs; the machine is shared and noisy, so compare ratios.
"""

import json
import os
import platform
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
# Work queued by the scan or a packet goes to an in-memory broker, never to var/broker.
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("EMAIL_URL", "memorymail://")

RUNS = int(os.environ.get("RUNS", "5"))
PACKET_RUNS = int(os.environ.get("PACKET_RUNS", "3"))
SIZES = [int(s) for s in os.environ.get("SIZES", "60,300").split(",") if s.strip()]


from benchmarks._db import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import _seed  # noqa: E402
from benchmarks.import_values import csv_bytes as import_csv_bytes  # noqa: E402
from benchmarks.import_values import setup as import_setup  # noqa: E402
from csoprogram.lib import fiscal  # noqa: E402
from csoprogram.models import OutboxMessage  # noqa: E402
from metrics import imports  # noqa: E402
from metrics.models import Metric, MetricValue, PhillyStatMeeting  # noqa: E402
from metrics.phillystat.models import ReminderDelivery, ReviewPacket  # noqa: E402
from metrics.phillystat.packets import packet_build_in_process  # noqa: E402
from metrics.phillystat.reminders import reminders_scan  # noqa: E402
from plans.models import CustomerServicePlan  # noqa: E402

PERSONA = "Chief Customer Service Officer (program-wide; sees every department)"
RESULTS: list[dict] = []


def emit(**row) -> None:
    RESULTS.append(row)
    print(json.dumps(row), flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def time_page(client: Client, size: int, name: str, url: str, floor: bool = False) -> None:
    response = client.get(url)  # warm up: templates, connection, caches
    assert response.status_code == 200, (url, response.status_code)
    times, floors, queries, size_kib = [], [], 0, 0
    for _ in range(RUNS):
        reset_queries()  # the log keeps 9,000 queries: a full one would capture none
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        queries, size_kib = len(ctx.captured_queries), len(response.content) // 1024
        if floor:
            floors.append(_seed.replay([q["sql"] for q in ctx.captured_queries]))
    row = {
        "size": size,
        "what": name,
        "url": url,
        "queries": queries,
        "median_ms": ms(statistics.median(times)),
        "kib": size_kib,
    }
    if floor:
        row["sql_floor_ms"] = ms(statistics.median(floors))
        row["ratio_to_floor"] = round(statistics.median(times) / statistics.median(floors), 2)
    emit(**row)


def time_pages(size: int) -> None:
    depts = list(_seed.departments(size).order_by("slug"))
    middle = depts[len(depts) // 2]
    plan = (
        CustomerServicePlan.objects.filter(department=middle)
        .order_by("-program_year")
        .values_list("pk", flat=True)
        .first()
    )
    metric = Metric.objects.filter(department=middle).order_by("pk").values_list("pk", flat=True)
    client = Client(
        HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    )
    client.force_login(_seed.ccso())
    for name, url in (
        ("department page", f"/departments/{middle.slug}/"),
        ("theme board", "/focus-groups/board/"),
        ("plan page", f"/plans/{plan}/"),
        ("metric page", f"/metrics/{metric[0]}/"),
        ("program review", "/program/review/"),
    ):
        time_page(client, size, name, url)
    time_page(client, size, "outcomes dashboard", "/program/outcomes/", floor=True)


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
        size=size,
        what="daily reminder scan",
        meetings_due=meetings.count(),
        reminders_created=created,
        queries=queries,
        median_ms=ms(statistics.median(times)),
    )


def time_import() -> None:
    department, analyst = import_setup()
    data = import_csv_bytes()
    rows = len(data.splitlines()) - 1
    times = []
    try:
        for _ in range(RUNS):
            MetricValue.objects.filter(metric__department=department).delete()
            t0 = time.perf_counter()
            result = imports.values_import(user=analyst, data=data)
            times.append(time.perf_counter() - t0)
            assert result.ok, result.errors[:5]
        assert MetricValue.objects.filter(metric__department=department).count() == rows
    finally:
        department.delete()
        analyst.delete()
    emit(what="CSV import", rows=rows, median_ms=ms(statistics.median(times)))


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

    for name, make in (
        ("department packet (1 department)", department_packet),
        (f"outcomes packet ({size} departments)", outcomes_packet),
    ):
        times, packet = [], None
        for _ in range(PACKET_RUNS):
            elapsed, packet = _build(make())
            times.append(elapsed)
        emit(
            size=size,
            what=name,
            median_ms=ms(statistics.median(times)),
            runs=PACKET_RUNS,
            pages=packet.pages,
            kib=packet.size // 1024,
        )
    ReviewPacket.objects.filter(title__startswith="Benchmark").delete()


def _shown(median_ms: float) -> str:
    return f"{median_ms / 1000:.2f} s" if median_ms >= 1000 else f"{median_ms:.0f} ms"


def _notes(r: dict) -> str:
    notes = []
    if "sql_floor_ms" in r:
        notes.append(f"raw-SQL floor {_shown(r['sql_floor_ms'])}, ratio {r['ratio_to_floor']:.2f}")
    if "pages" in r:
        notes.append(f"{r['pages']} pages, {r['kib']:,} KiB PDF, median of {r['runs']}")
    elif "kib" in r:
        notes.append(f"{r['kib']:,} KiB HTML")
    if "rows" in r:
        notes.append(f"{r['rows']:,} rows")
    if "meetings_due" in r:
        notes.append(f"{r['meetings_due']} meetings due, {r['reminders_created']} reminders")
    return "; ".join(notes)


def table() -> str:
    """One row per figure, the sizes side by side, and how much it grew."""
    sizes = sorted({r["size"] for r in RESULTS if "size" in r})
    whats = list(dict.fromkeys(r["what"] for r in RESULTS))
    by = {(r.get("size"), r["what"]): r for r in RESULTS}
    head = ["What"]
    for size in sizes:
        head += [f"Queries ({size})", f"Median ({size})"]
    if len(sizes) > 1:
        head.append(f"{sizes[-1]} / {sizes[0]}")
    head.append("Notes")
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 2) + "|---|"]
    for what in whats:
        cells, rows = [what], []
        for size in sizes:
            r = by.get((size, what)) or (by.get((None, what)) if size == sizes[0] else None)
            rows.append(r)
            cells += [str(r.get("queries", "")), _shown(r["median_ms"])] if r else ["", ""]
        if len(sizes) > 1:
            first, last = rows[0], rows[-1]
            cells.append(f"{last['median_ms'] / first['median_ms']:.1f}x" if first and last else "")
        cells.append(" / ".join(_notes(r) for r in rows if r and _notes(r)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    started = time.perf_counter()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {os.cpu_count()} CPUs (nproc), {platform.machine()}, "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(f"runs per median: {RUNS}; persona for pages: {PERSONA}")
    call_command("migrate", verbosity=0)
    for size in SIZES:
        t0 = time.perf_counter()
        seeded = _seed.seed(size)
        emit(
            size=size,
            what="seed",
            seeded_now=seeded,
            seconds=round(time.perf_counter() - t0, 1),
            **_seed.counts(size),
        )
    try:
        for size in SIZES:
            _seed.activate(size)
            # Fresh planner statistics (a bulk load leaves none until autovacuum runs).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            time_pages(size)
            time_reminder_scan(size)
            if size == min(SIZES):
                time_import()
                time_packets(size)
    finally:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    RESULTS[:] = [r for r in RESULTS if r["what"] != "seed"]
    print()
    print(
        f"Medians of {RUNS} runs (packets: {PACKET_RUNS}); pages requested as the {PERSONA}; "
        f"CSV import and packets at {min(SIZES)} departments."
    )
    print(table())
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
