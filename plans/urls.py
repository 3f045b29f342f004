from django.urls import path
from django.views.generic import RedirectView

from . import area_views, change_views, comment_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    # The program update reads every app: it moved to the program pages.
    path(
        "program-update/",
        RedirectView.as_view(pattern_name="csoprogram:program_update", permanent=True),
        name="program_update",
    ),
    path("start/<slug:slug>/", views.plan_start, name="plan_start"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/endorse/", views.plan_endorse, name="plan_endorse"),
    path("<int:pk>/request-changes/", views.plan_request_changes, name="plan_request_changes"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/comments/", views.plan_comment, name="plan_comment"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
    path("comments/<int:pk>/edit/", comment_views.plan_comment_edit, name="plan_comment_edit"),
    path(
        "comments/<int:pk>/withdraw/",
        comment_views.plan_comment_withdraw,
        name="plan_comment_withdraw",
    ),
    path("<int:pk>/areas/new/", area_views.area_create, name="area_create"),
    path("areas/<int:pk>/edit/", area_views.area_edit, name="area_edit"),
    path("areas/<int:pk>/withdraw/", area_views.area_withdraw, name="area_withdraw"),
    path(
        "areas/<int:pk>/confirm-progress/",
        area_views.area_confirm_progress,
        name="area_confirm_progress",
    ),
    path(
        "departments/<slug:slug>/change-management/",
        change_views.change_record,
        name="change_record",
    ),
    path(
        "departments/<slug:slug>/impediments/new/",
        change_views.impediment_create,
        name="impediment_create",
    ),
    path(
        "impediments/<int:pk>/resolve/",
        change_views.impediment_resolve,
        name="impediment_resolve",
    ),
    path(
        "departments/<slug:slug>/support/new/", change_views.support_create, name="support_create"
    ),
    path(
        "departments/<slug:slug>/successes/new/",
        change_views.success_create,
        name="success_create",
    ),
]
