"""Routes of the audit page (included by csoprogram/program_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_csv, name="audit_csv"),
]
