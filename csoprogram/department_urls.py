"""/departments/: the list with each department's stage, and a department's page."""

from django.urls import path

from . import department_views as views

app_name = "departments"
urlpatterns = [
    path("", views.department_list, name="list"),
    path("<slug:slug>/", views.department_detail, name="detail"),
]
