"""Routes of a department's publishing page (included by
csoprogram/program_urls.py); the anonymous pages are in csoprogram/public_urls.py."""

from django.urls import path

from . import views

PAGE = "departments/<slug:slug>/public-page/"

urlpatterns = [
    path(PAGE, views.publication, name="publication"),
    path(f"{PAGE}approve/", views.publication_approve, name="publication_approve"),
    path(f"{PAGE}withdraw/", views.publication_withdraw, name="publication_withdraw"),
]
