"""The JSON API: read plans, areas of focus, metrics and values; analysts
create and update values. Same access rules as the pages: querysets are
scoped to the user, so another department's records answer 404.

The departments endpoint carries the department's stage, which reads every
app: it is served from the top floor (csoprogram/api.py) on the same router."""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from departments.selectors import departments_visible_to
from plans.models import AreaOfFocus
from plans.selectors import areas_visible_to, plans_visible_to

from ..models import MetricValue
from ..selectors import metrics_visible_to
from .serializers import (
    AreaOfFocusSerializer,
    MetricSerializer,
    MetricValueSerializer,
    PlanSerializer,
    ValueCorrectionSerializer,
)

BAD_REQUEST = OpenApiResponse(description="Invalid input: field name -> list of errors.")
FORBIDDEN = OpenApiResponse(description="Not signed in, or not allowed to do this.")
NOT_FOUND = OpenApiResponse(description="No such record, or one of another department.")
CONFLICT = OpenApiResponse(
    description="The period is locked: a correction needs `reason` (then 202), or one is "
    "already waiting for approval."
)
READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
# Clients send JSON; the pages' forms post the same fields, which DRF also reads.
JSON_BODY = {"application/json": MetricValueSerializer}
# Any id in the path reaches the view, which answers a JSON 404 for one it does
# not show (the router's default would leave "12.5" to Django's HTML 404 page).
ANY_ID = "[^/]+"
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DEPARTMENT_FILTER = OpenApiParameter(
    "department",
    ID_SCHEMA,
    description="Only this department (id). Not a whole number in range: 400; a department "
    "you do not see: 404.",
)
METRIC_FILTER = OpenApiParameter(
    "metric",
    ID_SCHEMA,
    description="Only this metric (id). Not a whole number in range: 400; a metric you do "
    "not see: 404.",
)


def _id_param(request, name: str, visible) -> int | None:
    """A filter by id: 400 unless a whole number in range, 404 for a record the
    user does not see (the same answer whether it exists or not)."""
    raw = request.query_params.get(name)
    if raw is None:  # an empty value ("?limit=") is not a number: 400
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({name: "A whole number is required."}) from None
    if not 0 < value <= MAX_ID:
        raise serializers.ValidationError({name: "Out of range."})
    if not visible.filter(pk=value).exists():
        raise NotFound({name: f"No such {name}."})
    return value


def _department_param(request) -> int | None:
    return _id_param(request, "department", departments_visible_to(request.user))


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_ID
    serializer_class = PlanSerializer

    @extend_schema(parameters=[DEPARTMENT_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = (
            plans_visible_to(self.request.user)
            .prefetch_related(
                Prefetch("areas_of_focus", queryset=AreaOfFocus.objects.order_by("year", "pk"))
            )
            .order_by("department__name", "-program_year")
        )
        department = _department_param(self.request) if self.action == "list" else None
        return qs.filter(department_id=department) if department else qs


class AreaOfFocusViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_ID
    serializer_class = AreaOfFocusSerializer

    @extend_schema(parameters=[DEPARTMENT_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = areas_visible_to(self.request.user).order_by("department__name", "year", "pk")
        department = _department_param(self.request) if self.action == "list" else None
        return qs.filter(department_id=department) if department else qs


class MetricViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_ID
    serializer_class = MetricSerializer

    @extend_schema(parameters=[DEPARTMENT_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = metrics_visible_to(self.request.user).order_by("department__name", "name")
        department = _department_param(self.request) if self.action == "list" else None
        return qs.filter(department_id=department) if department else qs


@extend_schema_view(
    list=extend_schema(parameters=[METRIC_FILTER, DEPARTMENT_FILTER]),
    retrieve=extend_schema(responses={200: MetricValueSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=JSON_BODY,
        description="Record a value. A period that already has a value is updated "
        "(200); changing it needs `reason`. A locked period (its quarter's grace window "
        "closed) is not changed: without `reason` the answer is 409 with the rule, with "
        "`reason` 202 and the correction waiting for approval. Only the department's "
        "PhillyStat analysts.",
        responses={
            201: MetricValueSerializer,
            200: MetricValueSerializer,
            202: ValueCorrectionSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            409: CONFLICT,
        },
    ),
    update=extend_schema(
        request=JSON_BODY,
        description="Change a value. Its metric and period cannot change (400 if the body "
        "names others). Locked periods as for create: 409, or 202 with `reason`.",
        responses={
            200: MetricValueSerializer,
            202: ValueCorrectionSerializer,
            400: BAD_REQUEST,
            409: CONFLICT,
            **READ_ERRORS,
        },
    ),
    partial_update=extend_schema(
        request=JSON_BODY,
        description="Change a value's number, note or both; at least one field, and no "
        "field the value does not have (400 otherwise). Its metric and period cannot change.",
        responses={
            200: MetricValueSerializer,
            202: ValueCorrectionSerializer,
            400: BAD_REQUEST,
            409: CONFLICT,
            **READ_ERRORS,
        },
    ),
)
class MetricValueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MetricValueSerializer
    lookup_value_regex = ANY_ID

    def get_queryset(self):
        qs = (
            MetricValue.objects.filter(
                metric__department__in=departments_visible_to(self.request.user)
            )
            .select_related("metric")
            .order_by("metric_id", "period_start")
        )
        if self.action == "list":
            metric = _id_param(self.request, "metric", metrics_visible_to(self.request.user))
            department = _department_param(self.request)
            if metric:
                qs = qs.filter(metric_id=metric)
            if department:
                qs = qs.filter(metric__department_id=department)
        return qs

    def get_serializer(self, *args, **kwargs):
        if self.request is not None and self.action in ("create", "update", "partial_update"):
            kwargs["metrics"] = metrics_visible_to(self.request.user)
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._answer(serializer)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._answer(serializer)

    @staticmethod
    def _answer(serializer):
        """201 new, 200 updated, 202 a correction of a locked period waiting for approval."""
        correction = getattr(serializer.instance, "pending_correction", None)
        if correction is not None:
            return Response(
                ValueCorrectionSerializer(correction).data, status=status.HTTP_202_ACCEPTED
            )
        code = status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK
        return Response(serializer.data, status=code)
