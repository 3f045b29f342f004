"""/public/: what departments chose to publish (no login needed)."""

from django.urls import path

from .publication import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.department, name="department"),
    path("<slug:slug>/metrics/<int:pk>/trend.svg", views.metric_sparkline, name="metric_sparkline"),
]
