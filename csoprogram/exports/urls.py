from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("<slug:slug>/exports/", views.department_exports, name="department_exports"),
    path("<slug:slug>/exports/<slug:key>.<slug:fmt>", views.export_download, name="download"),
    path("<slug:slug>/archive.zip", views.department_archive, name="archive"),
]
