"""The JSON API under /api/, with its OpenAPI schema at /api/schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from . import api

app_name = "api"

router = SimpleRouter()
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("areas-of-focus", api.AreaOfFocusViewSet, basename="area_of_focus")
router.register("metrics", api.MetricViewSet, basename="metric")
router.register("values", api.MetricValueViewSet, basename="value")

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    *router.urls,
]
