"""The background work at 60 and 300 departments, on Redis and real workers:

- the reminder scan (every department's meeting due): queries and median time,
  including publishing its deliveries to Redis (the outbox's one connection);
- the outcomes packet built by a real Celery worker with 2 processes (one task
  per department, then the merge in a child process): wall time from request
  to ready, the CPU seconds the worker used (over 2, what it would take with
  both CPUs to itself: the machine is shared), and the peak resident memory
  (VmHWM) of each worker process; cold (no section built before) and warm
  (rebuilt with unchanged data: every section reused).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cso_bg_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/background.py

Seeds like benchmarks/run.py (benchmarks/_seed.py; skipped when already
there) into the scratch database. RUNS (default 5) scan runs per median; SIZES
(default "60,300"); PACKET_RUNS (default 1) cold builds per size. The Redis
database named by CELERY_BROKER_URL is flushed first.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cso_bg_bench"
)
if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
    sys.exit("Set CELERY_BROKER_URL to a Redis database of its own: it is flushed.")
os.environ["DJANGO_SETTINGS_MODULE"] = "csoprogram.settings"
os.environ["MEDIA_ROOT"] = MEDIA_ROOT = tempfile.mkdtemp(prefix="cso-bg-bench-media-")
os.environ.setdefault("EMAIL_URL", "memorymail://")

from benchmarks._db import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import _seed  # noqa: E402
from csoprogram.lib.outbox import outbox_flush  # noqa: E402
from csoprogram.models import OutboxMessage  # noqa: E402
from metrics.models import PhillyStatMeeting  # noqa: E402
from metrics.phillystat.models import PacketSection, ReminderDelivery, ReviewPacket  # noqa: E402
from metrics.phillystat.packets import outcomes_packet_request, packet_request  # noqa: E402
from metrics.phillystat.reminders import reminders_scan  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))
PACKET_RUNS = int(os.environ.get("PACKET_RUNS", "1"))
SIZES = [int(s) for s in os.environ.get("SIZES", "60,300").split(",") if s.strip()]
BROKER = os.environ["CELERY_BROKER_URL"]


def emit(**row) -> None:
    print(json.dumps(row), flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def time_reminder_scan(size: int) -> None:
    meetings = PhillyStatMeeting.objects.filter(department__slug__startswith=_seed.prefix(size))

    def clear():
        ReminderDelivery.objects.filter(meeting__in=meetings).delete()
        OutboxMessage.objects.filter(task_name="metrics.reminder_deliver").delete()

    times, created, queries = [], 0, 0
    for _ in range(RUNS):
        clear()
        redis.Redis.from_url(BROKER).flushdb()
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            created = len(reminders_scan())
            outbox_flush()  # published to Redis by the outbox (its own connection)
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
        assert OutboxMessage.objects.filter(sent_at=None).count() == 0, "not all published"
    clear()
    emit(
        figure="reminder_scan",
        departments=size,
        meetings_due=meetings.count(),
        reminders=created,
        queries=queries,
        median_ms=round(statistics.median(times) * 1000, 1),
        load=load(),
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    """CPU time of the process and its pool (and the merges they ran and waited for)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_worker(log: Path) -> subprocess.Popen:
    env = dict(os.environ, CELERY_BROKER_URL=BROKER, MEDIA_ROOT=MEDIA_ROOT, DEBUG="False")
    env.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "csoprogram", "worker", "--concurrency", "2"]
        + ["--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)
    return proc


def _merge_peak_mib(log: Path, packet_id: int) -> float:
    """The merge child process's peak memory, as the worker logged it."""
    pattern = re.compile(rf"Packet {packet_id} merged: .* peak (\d+) MiB")
    found = pattern.findall(log.read_text(errors="replace"))
    return float(found[-1]) if found else 0.0


def _wait_ready(packet) -> float:
    t0 = time.perf_counter()
    while True:
        packet.refresh_from_db()
        if packet.status in ("ready", "failed"):
            assert packet.status == "ready", packet.error
            return time.perf_counter() - t0
        time.sleep(0.5)


def time_outcomes_packet(size: int, log: Path) -> None:
    redis.Redis.from_url(BROKER).flushdb()
    PacketSection.objects.all().delete()
    ReviewPacket.objects.filter(kind="outcomes").delete()
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    worker = start_worker(log)
    try:
        cold, cpu = [], []
        for _ in range(PACKET_RUNS):
            cpu0 = _cpu_seconds(worker.pid)
            PacketSection.objects.all().delete()  # nothing reused: every section rendered
            t0 = time.perf_counter()
            packet = outcomes_packet_request(title="Benchmark outcomes packet")
            outbox_flush()
            _wait_ready(packet)
            cold.append(time.perf_counter() - t0)
            cpu.append(_cpu_seconds(worker.pid) - cpu0)
        rss = [round(_peak_rss_mib(pid), 1) for pid in _children(worker.pid)]
        merge_peak = _merge_peak_mib(log, packet.pk)
        t0 = time.perf_counter()
        assert packet_request(packet=packet)
        outbox_flush()
        _wait_ready(packet)
        warm = time.perf_counter() - t0
        emit(
            figure="outcomes_packet",
            departments=size,
            worker_processes=2,
            median_s=round(statistics.median(cold), 1),
            # What 2 processes would take with the 2 CPUs to themselves.
            cpu_s=round(statistics.median(cpu), 1),
            quiet_estimate_s=round(statistics.median(cpu) / 2, 1),
            warm_rebuild_s=round(warm, 1),
            pages=packet.pages,
            mib=round(packet.size / 2**20, 1),
            peak_rss_mib=max([*rss, merge_peak]),
            peak_rss_mib_per_process=rss,
            merge_process_peak_mib=merge_peak,
            load=load(),
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> None:
    print(f"database: {connection.settings_dict['NAME']}; broker: {BROKER}; load {load()}")
    call_command("migrate", verbosity=0)
    for size in SIZES:
        _seed.seed(size)
    log = Path(tempfile.gettempdir()) / "cso-bg-bench-worker.log"
    try:
        for size in SIZES:
            _seed.activate(size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            time_reminder_scan(size)
            time_outcomes_packet(size, log)
    finally:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
