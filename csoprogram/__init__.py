"""The top floor: settings, URLs, the Celery app, and the program-wide pages
that read every app (the department's stage, department pages, program review,
data freshness, outcomes dashboard, program meetings and update, publication,
the API's departments endpoint). It may import every app; no app imports it,
except its ground floor, csoprogram.lib, which imports no app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
