"""Routes of program meetings and the program update (included by
csoprogram/program_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("update/", views.program_update, name="program_update"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/<int:entry_pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
]
