from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import notification_views, views
from .forms import LoginForm
from .inbox import views as inbox_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("departments.accounts.urls")),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    # Calendar downloads and the private feed (before the apps' own routes).
    path("", include("csoprogram.calendar_feed.urls")),
    path("departments/", include("csoprogram.department_urls")),
    path("departments/", include("csoprogram.exports.urls")),
    path("roster/", include("departments.roster.urls")),
    path("training/", include("departments.training.urls")),
    path("focus-groups/", include("focusgroups.urls")),
    path("plans/", include("plans.urls")),
    path("metrics/", include("metrics.urls")),
    path("program/", include("csoprogram.program_urls")),
    path("public/", include("csoprogram.public_urls")),
    path("api/", include("csoprogram.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "csoprogram.views.error_400"
handler403 = "csoprogram.views.error_403"
handler404 = "csoprogram.views.error_404"
handler500 = "csoprogram.views.error_500"
