"""Routes of the outcomes dashboard (included by csoprogram/program_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/", views.outcomes_dashboard, name="outcomes_dashboard"),
    path("outcomes/present/", views.outcomes_presentation, name="outcomes_presentation"),
    path("outcomes/cards/<slug:slug>/", views.outcomes_card, name="outcomes_card"),
]
