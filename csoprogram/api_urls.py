"""The JSON API under /api/, with its OpenAPI schema at /api/schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from metrics.api.routes import ROUTES

from .api import DepartmentViewSet

app_name = "api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    *router.urls,
]
