"""Print a load run's figures as a table and say whether it met the targets.

Called by run_load.sh with the load venv's Python (standard library only):
locust's --csv files give what the users saw (p50/p95/p99 per page, failures);
gunicorn's access log (format '%(s)s %(m)s %(U)s %(M)s') gives the status codes
and the time spent in the server. Exits 1 on any failure, any 5xx, or a page
whose p95 is over the target.
"""

import argparse
import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# A login checks the password with PBKDF2 (Django's default hasher, deliberately
# slow); it is shown but not held to the page target.
EXEMPT = {"/accounts/login/ (POST)": "password hashing, once per person"}
SLUGS = r"(fleet|streets|water|li|library|parks|records|philly311)"


def _ms(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def client_table(stats_path: Path, target: float) -> tuple[list[str], int, list[str]]:
    """Rows of what locust measured, the number of failed requests, the pages over target."""
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


def server_table(access_log: Path) -> tuple[list[str], list[str]]:
    """Time in gunicorn per URL pattern, and the 5xx answers."""
    times: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors = []
    if not access_log.exists():
        return ["(no gunicorn access log)"], []
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        status, method, path, ms = parts
        key = _pattern(method, path)
        times[key].append(float(ms))
        statuses[key][status] += 1
        if status.startswith("5"):
            errors.append(line)
    lines = [
        f"{'server time, whole run (gunicorn log)':<58} {'reqs':>6} {'p50':>6} {'p95':>6}  status"
    ]
    lines.append("-" * len(lines[0]))
    for key in sorted(times, key=lambda k: -len(times[k])):
        values = times[key]
        codes = " ".join(f"{c}x{n}" for c, n in sorted(statuses[key].items()))
        lines.append(
            f"{key[:58]:<58} {len(values):>6} {statistics.median(values):>6.0f} "
            f"{_pct(values, 95):>6.0f}  {codes}"
        )
    return lines, errors


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
    lines, failures, over = client_table(args.stats, args.p95_ms)
    print("steady state (from the end of the ramp-up to the end of the run)")
    print("\n".join(lines))
    failures += ramp_failures
    print()
    server_lines, errors = server_table(args.access_log)
    print("\n".join(server_lines))

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
        "p95 target met on every page"
        if not over
        else f"p95 over {args.p95_ms:.0f} ms on: {', '.join(over)}"
    )
    ok = failures == 0 and not errors and not over
    print(("PASS" if ok else "FAIL") + " — " + "; ".join(verdict))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
