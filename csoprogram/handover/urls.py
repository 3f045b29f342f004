"""Routes of the hand-over (included by csoprogram/program_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("people/<int:pk>/hand-over/", views.person_handover, name="person_handover"),
]
