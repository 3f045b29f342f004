#!/usr/bin/env bash
# Load test: 50 people at once before a PhillyStat deadline (issue 8).
#
#   bash benchmarks/load/run_load.sh          (what `make loadtest` runs, from the repo root)
#
# Starts, on 127.0.0.1 only: a scratch PostgreSQL database (LOAD_DATABASE_NAME,
# default cso_load, made anew each run so figures compare), a Redis database as
# the Celery broker (LOAD_BROKER_URL, default redis://127.0.0.1:6379/13; flushed
# at the start), gunicorn (3 workers, DEBUG off, production static files) on
# port 8020 and one Celery worker; seeds the demo program and brings it to
# LOAD_DEPARTMENTS (60) departments with the benchmark's realistic data
# (benchmarks/load/seed_scale.py); runs the locust scenario in
# benchmarks/load/locustfile.py headless; prints failures and p50/p95/p99 per
# page; stops everything it started. Exits 1 on any failure or a page whose
# p95 is over the target.
#
# Knobs (environment): LOAD_DATABASE_NAME (cso_load), LOAD_BROKER_URL
# (redis://127.0.0.1:6379/13), LOAD_DEPARTMENTS (60), LOAD_USERS (50), LOAD_SPAWN_RATE (10), LOAD_RUN_TIME (120s),
# LOAD_PORT (8020), LOAD_P95_MS (300), LOAD_WORKERS (3), LOAD_THINK_SCALE (1; 0.5 halves
# the think times, doubling the request rate), LOAD_KEEP_DB=1 to reuse
# the database as it is (no drop, no reseed), PG_URL (postgres://postgres@127.0.0.1:5432),
# LOAD_SETTLE_SECONDS (15: how long after the last login the ramp-up ends and the
# steady-state figures, the ones held to the target, start).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="benchmarks/load"
APP_PY="$ROOT/.venv/bin/python"
LOAD_VENV="$ROOT/$HERE/.venv"

USERS="${LOAD_USERS:-50}"
SPAWN_RATE="${LOAD_SPAWN_RATE:-10}"
RUN_TIME="${LOAD_RUN_TIME:-120s}"
PORT="${LOAD_PORT:-8020}"
P95_MS="${LOAD_P95_MS:-300}"
WORKERS="${LOAD_WORKERS:-3}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${LOAD_DATABASE_NAME:-cso_load}"
BROKER_URL="${LOAD_BROKER_URL:-redis://127.0.0.1:6379/13}"
export LOAD_DEPARTMENTS="${LOAD_DEPARTMENTS:-60}"
HOST="http://127.0.0.1:$PORT"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'run_load.sh: %s\n' "$*" >&2; exit 2; }

[ -x "$APP_PY" ] || die "no app virtualenv at .venv (run 'make install' first)"
command -v psql >/dev/null || die "psql not found (PostgreSQL client)"
command -v redis-cli >/dev/null || die "redis-cli not found"
command -v curl >/dev/null || die "curl not found"
pg_isready -q -d "$PG_URL/postgres" || die "PostgreSQL is not answering at $PG_URL"
# The database is dropped and made anew: never one that is not a scratch one.
case "$DB_NAME" in
    *load* | *bench*) ;;
    *) die "LOAD_DATABASE_NAME must contain 'load' or 'bench' (it is dropped each run): $DB_NAME" ;;
esac
[ "$(redis-cli -u "$BROKER_URL" ping 2>/dev/null)" = "PONG" ] ||
    die "Redis is not answering at $BROKER_URL"
if curl -s -o /dev/null "$HOST/" 2>/dev/null; then
    die "something already listens on $HOST; set LOAD_PORT"
fi

# -- locust, pinned, in its own virtualenv (never in the app's .venv) ----------------------
REQS="$HERE/requirements.txt"
STAMP="$LOAD_VENV/.installed"
if [ ! -x "$LOAD_VENV/bin/locust" ] || [ "$REQS" -nt "$STAMP" ]; then
    say "Installing locust into $HERE/.venv"
    [ -x "$LOAD_VENV/bin/python" ] || "${PYTHON:-python3.11}" -m venv "$LOAD_VENV"
    "$LOAD_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    touch "$STAMP"
fi

# -- where this run writes: var/loadtest/<time>/ (var/ is git-ignored) ---------------------
OUT="$ROOT/var/loadtest/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/media"

# -- the app's environment: production settings over plain HTTP on 127.0.0.1 ---------------
export DATABASE_URL="$PG_URL/$DB_NAME"
export CELERY_BROKER_URL="$BROKER_URL"
export DEBUG=False
SECRET_KEY="$("$APP_PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="$HOST"
export SECURE_SSL_REDIRECT=False
# Production turns on secure cookies with DEBUG off; over plain HTTP the browser
# (and locust) would never send them back. csoprogram/settings.py reads these.
export SESSION_COOKIE_SECURE=False
export CSRF_COOKIE_SECURE=False
export MEDIA_ROOT="$OUT/media"
export EMAIL_URL="consolemail://"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export PYTHONUNBUFFERED=1
# Production settings, with static files collected into this run's folder so the
# run does not touch the working tree's staticfiles/.
export STATIC_ROOT="$OUT/static"

# -- stop everything this script started, however it ends ---------------------------------
PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ "${#PIDS[@]}" -eq 0 ] || echo "Stopped gunicorn and the Celery worker. Logs and CSV: ${OUT#"$ROOT"/}"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -- database and broker -------------------------------------------------------------------
if [ "${LOAD_KEEP_DB:-0}" = "1" ]; then
    say "Reusing database $DB_NAME (LOAD_KEEP_DB=1)"
    if [ -z "$(psql "$PG_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
        psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB_NAME"
    fi
else
    say "Fresh database $DB_NAME"
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
    psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB_NAME"
fi
redis-cli -u "$BROKER_URL" FLUSHDB >/dev/null

"$APP_PY" manage.py migrate --noinput --verbosity 0
"$APP_PY" manage.py seed_demo --if-empty
say "Bringing the program to $LOAD_DEPARTMENTS departments"
"$APP_PY" benchmarks/load/seed_scale.py "$OUT/users.json"
"$APP_PY" manage.py collectstatic --noinput --verbosity 0

# -- web and worker --------------------------------------------------------------------------
say "Starting gunicorn ($WORKERS workers) on $HOST and one Celery worker"
"$ROOT/.venv/bin/gunicorn" csoprogram.wsgi \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --access-logfile "$OUT/access.log" \
    --access-logformat '%(s)s %(m)s %(U)s %(M)s %(t)s' \
    --error-logfile "$OUT/gunicorn.log" &
PIDS+=($!)
"$ROOT/.venv/bin/celery" -A csoprogram worker --loglevel WARNING --concurrency 2 \
    --hostname "loadtest-$$@%h" >"$OUT/celery.log" 2>&1 &
PIDS+=($!)

for i in $(seq 1 60); do
    if curl -sf -o /dev/null "$HOST/healthz"; then
        break
    fi
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || die "a server exited at start; see ${OUT#"$ROOT"/}/*.log"
    done
    [ "$i" -lt 60 ] || die "gunicorn did not answer /healthz within 30 s"
    sleep 0.5
done
curl -s "$HOST/healthz"
echo

# -- the load ---------------------------------------------------------------------------------
say "locust: $USERS users, spawn rate $SPAWN_RATE/s, $RUN_TIME, against $HOST"
# The figures mean little if something else is using the two cores: say so.
echo "before: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
locust_status=0
LOAD_USERS_FILE="$OUT/users.json" LOAD_RAMP_FILE="$OUT/ramp.json" "$LOAD_VENV/bin/locust" -f "$HERE/locustfile.py" --host "$HOST" \
    --headless --only-summary \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 15 \
    --csv "$OUT/locust" --loglevel WARNING \
    >"$OUT/locust.txt" 2>&1 || locust_status=$?

echo "after:  load average $(cut -d' ' -f1-3 /proc/loadavg) (includes this run)"
# Let the worker finish what the requests queued before it is stopped.
sleep 2

say "Results (${OUT#"$ROOT"/})"
summary_status=0
"$LOAD_VENV/bin/python" "$HERE/summary.py" \
    --stats "$OUT/locust_stats.csv" --failures "$OUT/locust_failures.csv" \
    --exceptions "$OUT/locust_exceptions.csv" --ramp "$OUT/ramp.json" --access-log "$OUT/access.log" \
    --locust-output "$OUT/locust.txt" --p95-ms "$P95_MS" || summary_status=$?

if [ "$summary_status" -ne 0 ] || [ "$locust_status" -ne 0 ]; then
    exit 1
fi
