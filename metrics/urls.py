from django.urls import path

from . import correction_views, views
from .phillystat import commitment_views, memo_views, packet_views
from .phillystat import views as phillystat

app_name = "metrics"
urlpatterns = [
    path("", views.metric_list, name="metric_list"),
    path("library/", views.library, name="library"),
    path("values/import/", views.value_import, name="value_import"),
    path("corrections/", correction_views.correction_list, name="corrections"),
    path(
        "corrections/<int:pk>/decide/",
        correction_views.value_correction_decide,
        name="value_correction_decide",
    ),
    path(
        "narrative-corrections/<int:pk>/decide/",
        correction_views.narrative_correction_decide,
        name="narrative_correction_decide",
    ),
    path("departments/<slug:slug>/new/", views.metric_create, name="metric_create"),
    path("departments/<slug:slug>/library/", views.library_copy, name="library_copy"),
    path("departments/<slug:slug>/values/", views.value_grid, name="value_grid"),
    path(
        "departments/<slug:slug>/meetings/schedule/",
        phillystat.meeting_schedule,
        name="meeting_schedule",
    ),
    path("<int:pk>/", views.metric_detail, name="metric_detail"),
    path("<int:pk>/edit/", views.metric_edit, name="metric_edit"),
    path("<int:pk>/trajectory/", views.metric_trajectory, name="metric_trajectory"),
    path("<int:pk>/chart.svg", views.metric_chart, name="metric_chart"),
    path("<int:pk>/sparkline.svg", views.metric_sparkline, name="metric_sparkline"),
    path("<int:pk>/values/new/", views.value_create, name="value_create"),
    path("meetings/", phillystat.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", phillystat.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", phillystat.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/narrative/", phillystat.narrative_edit, name="narrative_edit"),
    path(
        "meetings/<int:pk>/commitments/new/",
        commitment_views.commitment_create,
        name="commitment_create",
    ),
    path("meetings/<int:pk>/held/", memo_views.meeting_mark_held, name="meeting_mark_held"),
    path("meetings/<int:pk>/memo/", memo_views.meeting_memo, name="meeting_memo"),
    path("meetings/<int:pk>/memo/edit/", memo_views.memo_edit, name="memo_edit"),
    path("meetings/<int:pk>/memo/send/", memo_views.memo_send, name="memo_send"),
    path("meetings/<int:pk>/memo/pdf/", memo_views.memo_pdf, name="memo_pdf"),
    path("meetings/<int:pk>/briefing/", memo_views.briefing_memo, name="briefing_memo"),
    path(
        "commitments/<int:pk>/close/",
        commitment_views.commitment_close,
        name="commitment_close",
    ),
    path("commitments/<int:pk>/edit/", commitment_views.commitment_edit, name="commitment_edit"),
    path(
        "departments/<slug:slug>/commitments.csv",
        commitment_views.commitment_export,
        name="commitment_export",
    ),
    path(
        "meetings/<int:pk>/packet/", packet_views.meeting_packet_build, name="meeting_packet_build"
    ),
    path("packets/", packet_views.packet_list, name="packet_list"),
    path("packets/outcomes/", packet_views.outcomes_packet_build, name="outcomes_packet_build"),
    path("packets/<int:pk>/status/", packet_views.packet_status, name="packet_status"),
    path("packets/<int:pk>/retry/", packet_views.packet_retry, name="packet_retry"),
    path("packets/<int:pk>/download/", packet_views.packet_download, name="packet_download"),
]
