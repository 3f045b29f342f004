# CSO Program — `make run` starts the app, `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install migrate demo clean backup restore loadtest bench fuzz vnu

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.lock
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

## run: web server, Celery worker and Celery beat on http://127.0.0.1:8000 (Ctrl-C stops all);
## DEBUG off as in production (runprogram collects static files and sets the demo's environment)
run: demo
	$(BIN)/python manage.py runprogram $(if $(ADDR),--addr $(ADDR))

## lint: ruff, Django's checks, migrations up to date
lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## test: the whole suite (SQLite and no services by default; CI sets DATABASE_URL etc.),
## spread over the machine's cores one test file at a time (a file's tests share
## its servers and databases, so a file runs on one worker).
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## vnu: the W3C Nu HTML checker (npm vnu-jar, pinned in tools/nu) for tests/test_html_validity.py; needs Java and npm
VNU_JAR := tools/nu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR)
$(VNU_JAR): tools/nu/package.json tools/nu/package-lock.json
	npm ci --prefix tools/nu --ignore-scripts --no-audit --no-fund --loglevel error
	touch $(VNU_JAR)

clean:
	rm -rf var staticfiles .pytest_cache

## backup: database (pg_dump custom format) + media files into var/backups/cso-<time>.tar
backup: install
	$(BIN)/python manage.py backup

## restore: make restore FILE=var/backups/cso-....tar (replaces all data)
restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/cso-....tar" && exit 2)
	$(BIN)/python manage.py restore "$(FILE)"

## loadtest: 50 users against gunicorn + PostgreSQL + Redis + a worker on 127.0.0.1; prints p50/p95/p99 per page
loadtest: install
	bash benchmarks/load/run_load.sh

## bench: program-wide benchmark at 60 and 300 departments (scratch PostgreSQL database):
## one JSON line per figure (also kept in var/bench.jsonl), then the README table
bench: install
	mkdir -p var
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cso_bench_all} \
		bash -c 'set -o pipefail; $(BIN)/python benchmarks/run.py | tee var/bench.jsonl'
	$(BIN)/python benchmarks/table.py var/bench.jsonl

## fuzz: nightly-style fuzzing, 200 fresh random inputs per endpoint (over 10,000 in all; about 30 min)
fuzz: install
	FUZZ_EXAMPLES=200 FUZZ_RANDOM=1 $(BIN)/python -m pytest tests/test_fuzz.py $(PYTEST_ARGS)
