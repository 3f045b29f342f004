"""Print a load run's figures as a table and say whether it met the targets.

Called by run_load.sh with the load venv's Python (standard library only):
locust's --csv files give what the users saw (p50/p95/p99 per page, failures);
gunicorn's access log (format '%(s)s %(m)s %(U)s %(M)s %(t)s') gives the status
codes and the time spent in the server, split at the end of the ramp-up (the
moment the locustfile wrote in ramp.json). Exits 1 on any failure, any 5xx, or
a page whose server-side p95 in the steady state is over the target (the
times the users saw are printed too: on a busy machine they include queueing
for a gunicorn worker and for the CPU).
"""

import argparse
import csv
import datetime
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# A login checks the password with PBKDF2 (Django's default hasher, deliberately
# slow); it is shown but not held to the page target.
EXEMPT = {"/accounts/login/ (POST)": "password hashing, once per person"}
SLUGS = r"(fleet|streets|water|li|library|parks|records|philly311|bench\d+-\d+)"


def _ms(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def client_table(stats_path: Path, target: float) -> tuple[list[str], int, list[str]]:
    """Rows of what locust measured, the number of failed requests, the pages
    whose p95 as the users saw it is over target (shown, not judged)."""
    rows = list(csv.DictReader(stats_path.open()))
    lines = [
        f"{'page (time seen by the locust users)':<52} {'reqs':>6} {'fail':>5} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  target",
    ]
    over, failures = [], 0
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        count, fails = int(row["Request Count"]), int(row["Failure Count"])
        p50, p95, p99 = row["50%"], row["95%"], row["99%"]
        mx = f"{float(row['Max Response Time']):.0f}"
        if row["Name"] == "Aggregated":
            verdict = ""
        elif count == 0:
            verdict = "(none after the ramp-up)"
        elif row["Name"] in EXEMPT:
            verdict = f"exempt: {EXEMPT[row['Name']]}"
        elif _ms(p95) is not None and _ms(p95) <= target:
            verdict = f"ok (p95 <= {target:.0f} ms)"
        else:
            verdict = f"OVER {target:.0f} ms"
            over.append(row["Name"])
        if row["Name"] != "Aggregated":
            failures += fails
        lines.append(
            f"{name[:52]:<52} {count:>6} {fails:>5} {p50:>6} {p95:>6} {p99:>6} {mx:>6}  {verdict}"
        )
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    lines.append("(milliseconds; locust rounds to 2 significant figures above 100 ms)")
    return lines, failures, over


def ramp_table(path: Path) -> tuple[list[str], int]:
    """The ramp-up (every user logging in), as written by the locustfile."""
    if not path.exists():
        return ["(the ramp-up did not finish: not every user logged in)"], 0
    ramp = json.loads(path.read_text())
    lines = [
        f"ramp-up: all users logged in after {ramp['logged_in_after']} s; the first "
        f"{ramp['seconds']} s (not held to the target; the steady state below is)",
        f"{'request':<52} {'reqs':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}",
    ]
    lines.insert(2, "-" * len(lines[1]))
    for row in ramp["rows"]:
        lines.append(
            f"{row['name'][:52]:<52} {row['requests']:>6} {row['failures']:>5} {row['p50']:>6} "
            f"{row['p95']:>6} {row['p99']:>6} {row['max']:>6.0f}"
        )
    for error in ramp["errors"]:
        lines.append(f"  failure {error['occurrences']} x {error['name']}: {error['error']}")
    return lines, ramp["failures"]


def _pattern(method: str, path: str) -> str:
    path = re.sub(r"/\d+/", "/[pk]/", path)
    path = re.sub(rf"/{SLUGS}/", "/[slug]/", path)
    return f"{method} {path}"


SERVER_EXEMPT = {"POST /accounts/login/": EXEMPT["/accounts/login/ (POST)"]}


def _read_log(access_log: Path) -> list[tuple[float, str, str, str, float]]:
    """(epoch, status, method, path, ms) per request."""
    rows = []
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 6:
            continue
        status, method, path, ms, day, zone = parts
        when = datetime.datetime.strptime(f"{day} {zone}", "[%d/%b/%Y:%H:%M:%S %z]")
        rows.append((when.timestamp(), status, method, path, float(ms)))
    return rows


def server_table(
    rows, title: str, target: float | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Time in gunicorn per URL pattern, the 5xx answers and (with a target)
    the patterns whose p95 is over it."""
    times: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors, over = [], []
    for _when, status, method, path, ms in rows:
        key = _pattern(method, path)
        times[key].append(ms)
        statuses[key][status] += 1
        if status.startswith("5"):
            errors.append(f"{status} {method} {path} {ms:.0f} ms")
    lines = [f"{title:<58} {'reqs':>6} {'p50':>6} {'p95':>6}  status"]
    lines.append("-" * len(lines[0]))
    for key in sorted(times, key=lambda k: -len(times[k])):
        values = times[key]
        codes = " ".join(f"{c}x{n}" for c, n in sorted(statuses[key].items()))
        p95 = _pct(values, 95)
        verdict = ""
        if target is not None and key.endswith("/healthz"):
            verdict = "  (the script's own check)"
        elif target is not None and key in SERVER_EXEMPT:
            verdict = f"  exempt: {SERVER_EXEMPT[key]}"
        elif target is not None:
            verdict = "  ok" if p95 <= target else f"  OVER {target:.0f} ms"
            if p95 > target:
                over.append(key)
        lines.append(
            f"{key[:58]:<58} {len(values):>6} {statistics.median(values):>6.0f} "
            f"{p95:>6.0f}  {codes}{verdict}"
        )
    if not times:
        lines.append("(no request)")
    return lines, errors, over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stats", type=Path, required=True)
    parser.add_argument("--failures", type=Path, required=True)
    parser.add_argument("--exceptions", type=Path)
    parser.add_argument("--ramp", type=Path)
    parser.add_argument("--access-log", type=Path, required=True)
    parser.add_argument("--locust-output", type=Path)
    parser.add_argument("--p95-ms", type=float, default=300)
    args = parser.parse_args()

    if not args.stats.exists():
        print("locust wrote no statistics; its output:")
        if args.locust_output and args.locust_output.exists():
            print(args.locust_output.read_text()[-5000:])
        return 1

    ramp_failures = 0
    if args.ramp:
        lines, ramp_failures = ramp_table(args.ramp)
        print("\n".join(lines))
        print()
    lines, failures, client_over = client_table(args.stats, args.p95_ms)
    print("steady state (from the end of the ramp-up to the end of the run), as the users saw it")
    print("\n".join(lines))
    failures += ramp_failures
    print()
    log = _read_log(args.access_log) if args.access_log.exists() else []
    ended_at = None
    if args.ramp and args.ramp.exists():
        ended_at = json.loads(args.ramp.read_text()).get("ended_at")
    if ended_at is None:
        print("(no end of the ramp-up: the whole run is held to the target)")
        ended_at = 0
    ramp_lines, ramp_errors, _ = server_table(
        [r for r in log if r[0] < ended_at], "server time, ramp-up (gunicorn log)"
    )
    print("\n".join(ramp_lines))
    print()
    server_lines, errors, over = server_table(
        [r for r in log if r[0] >= ended_at],
        "server time, steady state (gunicorn log; held to the target)",
        args.p95_ms,
    )
    print("\n".join(server_lines))
    errors = ramp_errors + errors
    if client_over:
        print(
            f"\n(as the users saw it, p95 over {args.p95_ms:.0f} ms on: {', '.join(client_over)};"
            " the difference from the server time is queueing, for a worker and for the CPU)"
        )

    print()
    failure_rows = list(csv.DictReader(args.failures.open())) if args.failures.exists() else []
    if failure_rows:
        print("Failures (locust):")
        for row in failure_rows:
            print(f"  {row['Occurrences']:>5} x {row['Method']} {row['Name']}: {row['Error']}")
    if args.exceptions and args.exceptions.exists():
        exceptions = list(csv.DictReader(args.exceptions.open()))
        if exceptions:
            print("Exceptions in the locust users:")
            for row in exceptions:
                print(f"  {row['Count']:>5} x {row['Message']}\n{row['Traceback'][-800:]}")
    if errors:
        print(f"Server errors (5xx) in the access log: {len(errors)}")
        for line in errors[:20]:
            print(f"  {line}")

    verdict = []
    verdict.append(f"failures: {failures}")
    verdict.append(f"server errors: {len(errors)}")
    verdict.append(
        "server-side p95 target met on every page in steady state"
        if not over
        else f"server-side p95 over {args.p95_ms:.0f} ms in steady state on: {', '.join(over)}"
    )
    ok = failures == 0 and not errors and not over
    print(("PASS" if ok else "FAIL") + " — " + "; ".join(verdict))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
