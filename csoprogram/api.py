"""The API's departments endpoint: each department the user may see, with its
stage (which reads every app, so it is served from the top floor)."""

from rest_framework import serializers, viewsets

from departments.models import Department
from departments.selectors import departments_visible_to
from metrics.api.views import ANY_ID

from .stage import department_stage, departments_with_stage


class DepartmentSerializer(serializers.ModelSerializer):
    stage = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "slug", "stage"]

    def get_stage(self, obj) -> str:
        return department_stage(obj).label


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    lookup_value_regex = ANY_ID

    def get_queryset(self):
        return departments_with_stage(departments_visible_to(self.request.user)).order_by("name")
