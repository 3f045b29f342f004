"""Time the review packets: one department's PhillyStat packet (the issue asks
for under 3 s) and the outcomes-session packet for 60 departments (under 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cso_bench_dash \
        .venv/bin/python benchmarks/packets.py

Seeds the same program as benchmarks/outcomes_dashboard.py (60 departments x
8 metrics x 12 quarters; idempotent) into the database named by DATABASE_URL (a
scratch one, created if missing; without it, a SQLite file under var/), then builds each packet
through the same service the worker calls, RUNS times, writing the PDFs to a
temporary MEDIA_ROOT. Prints each run, the medians, pages and sizes.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csoprogram.settings")
from benchmarks._db import SQLITE_DEFAULT, ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", SQLITE_DEFAULT)
ensure_database(os.environ["DATABASE_URL"])
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="cso-packets-bench-")

from benchmarks.outcomes_dashboard import seed  # noqa: E402  (sets Django up)
from csoprogram.lib import fiscal  # noqa: E402
from metrics.models import PhillyStatMeeting, ReviewPacket  # noqa: E402
from metrics.phillystat.packets import packet_build_in_process  # noqa: E402

RUNS = int(os.environ.get("RUNS", "3"))


def _time_build(make_packet) -> tuple[float, ReviewPacket]:
    packet = make_packet()
    started = time.perf_counter()
    assert packet_build_in_process(packet_id=packet.pk), "the build was not claimed"
    elapsed = time.perf_counter() - started
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    return elapsed, packet


def main() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed()
    from departments.models import Department

    department = Department.objects.filter(active=True).order_by("name").first()
    quarter = fiscal.last_completed_quarter()
    meeting, _ = PhillyStatMeeting.objects.get_or_create(
        department=department,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        defaults={"date": fiscal.today()},
    )
    n_departments = Department.objects.filter(active=True).count()

    def department_packet():
        ReviewPacket.objects.filter(meeting=meeting).delete()
        return ReviewPacket.objects.create(
            kind="department", meeting=meeting, department=department, title=f"{department} packet"
        )

    def outcomes_packet():
        return ReviewPacket.objects.create(kind="outcomes", title="Outcomes session packet")

    for name, make, limit in (
        (f"department packet ({department.name})", department_packet, 3),
        (f"outcomes packet ({n_departments} departments)", outcomes_packet, 60),
    ):
        times, packet = [], None
        for run in range(RUNS):
            elapsed, packet = _time_build(make)
            times.append(elapsed)
            print(f"{name}: run {run + 1}: {elapsed:.2f} s")
        median = statistics.median(times)
        print(
            f"{name}: median {median:.2f} s over {RUNS} runs "
            f"(target under {limit} s), {packet.pages} pages, {packet.size / 1024:.0f} KiB"
        )
    ReviewPacket.objects.filter(kind="outcomes", title="Outcomes session packet").delete()


if __name__ == "__main__":
    main()
