# CSO Program — one image for web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (review packets) needs Pango and fonts; pg_dump for backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cso
WORKDIR /app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=cso:cso . .
# Static files are collected with the production settings (DEBUG off: hashed
# names, a manifest, compressed copies), the settings the image runs with. The
# key only lets the settings load for this one command; it signs nothing and is
# not in the image's environment. tests/test_production.py runs this very line.
RUN DEBUG=False SECRET_KEY=collectstatic-at-build-time-only CELERY_BROKER_URL=memory:// python manage.py collectstatic --noinput --verbosity 0
RUN mkdir -p /data/media /app/var && chown cso:cso /data/media /app/var

USER cso
EXPOSE 8000
# Bind address, workers and logs: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_BIND).
CMD ["gunicorn", "csoprogram.wsgi"]
