"""Limit and offset of the API's lists, validated: a limit or an offset that
is not a whole number in range answers 400 (DRF's own pagination quietly
ignores it), and the schema says the range."""

from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 10**9


def _whole(request, name: str, *, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:  # an empty value ("?limit=") is not a number: 400
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({name: "A whole number is required."}) from None
    if not low <= value <= high:
        raise serializers.ValidationError({name: f"Between {low} and {high:,}."})
    return value


class CheckedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request):
        limit = _whole(request, self.limit_query_param, low=1, high=MAX_LIMIT)
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        return _whole(request, self.offset_query_param, low=0, high=MAX_OFFSET) or 0

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": "How many results per page.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            },
        ]
