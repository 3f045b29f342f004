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
RUN DEBUG=True python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /data/media && chown cso:cso /data/media

USER cso
EXPOSE 8000
CMD ["gunicorn", "csoprogram.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
