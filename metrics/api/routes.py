"""The API's routes of this layer; csoprogram/api_urls.py builds the router
(with the departments endpoint) and the schema under /api/."""

from . import views

ROUTES = [
    ("plans", views.PlanViewSet, "plan"),
    ("areas-of-focus", views.AreaOfFocusViewSet, "area_of_focus"),
    ("metrics", views.MetricViewSet, "metric"),
    ("values", views.MetricValueViewSet, "value"),
]
