"""Program-wide pages (program review, outcomes-session dashboard)."""

from django.urls import path

from . import dashboard_views as views

app_name = "csoprogram"
urlpatterns = [
    path("review/", views.program_review, name="program_review"),
    path("review/export.csv", views.program_review_csv, name="program_review_csv"),
    path("outcomes/", views.outcomes_dashboard, name="outcomes_dashboard"),
    path("outcomes/present/", views.outcomes_presentation, name="outcomes_presentation"),
    path("update/", views.program_update, name="program_update"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/<int:entry_pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
    path("departments/<slug:slug>/freshness/", views.department_freshness, name="freshness"),
    path("departments/<slug:slug>/public-page/", views.publication, name="publication"),
    path(
        "departments/<slug:slug>/public-page/approve/",
        views.publication_approve,
        name="publication_approve",
    ),
    path(
        "departments/<slug:slug>/public-page/withdraw/",
        views.publication_withdraw,
        name="publication_withdraw",
    ),
]
