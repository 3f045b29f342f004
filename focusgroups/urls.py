from django.urls import path

from . import board_views, import_views, views

app_name = "focusgroups"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("departments/<slug:slug>/sessions/new/", views.session_create, name="session_create"),
    path("departments/<slug:slug>/themes/propose/", views.theme_propose, name="theme_propose"),
    path("departments/<slug:slug>/export.csv", views.department_export, name="department_export"),
    path("export.csv", views.export_all, name="export_all"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("sessions/<int:pk>/feedback/", views.feedback_add, name="feedback_add"),
    path(
        "sessions/<int:pk>/feedback/import/",
        import_views.feedback_import,
        name="feedback_import",
    ),
    path("feedback/<int:pk>/", views.feedback_item, name="feedback_item"),
    path("feedback/<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
    path("feedback/<int:pk>/delete/", views.feedback_delete, name="feedback_delete"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/new/", views.theme_create, name="theme_create"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/accept/", views.theme_accept, name="theme_accept"),
    path("themes/<int:pk>/reject/", views.theme_reject, name="theme_reject"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("board/", board_views.theme_board, name="theme_board"),
    path("board/themes/<int:pk>/", board_views.theme_board_theme, name="theme_board_theme"),
]
