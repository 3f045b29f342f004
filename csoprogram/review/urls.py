"""Routes of the program review (included by csoprogram/program_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("review/", views.program_review, name="program_review"),
    path("review/export.csv", views.program_review_csv, name="program_review_csv"),
    path("departments/<slug:slug>/freshness/", views.department_freshness_page, name="freshness"),
]
