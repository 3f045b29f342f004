"""The OpenAPI schema says every status an operation can answer: each
operation's success, plus the errors every view of this API shares (400 for
input it refuses, 403 without the right, 404 for a record it does not show,
409 for a locked period or a record changed meanwhile)."""

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "description": "Field name (or non_field_errors, or detail) -> what is wrong.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input or query parameter: field name -> list of errors.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such record, or one of another department.",
    "415": "The body is not JSON (application/json).",
    "409": "A program rule refused it as a conflict: the period is locked (a correction "
    "needs a reason and the Chief Customer Service Officer's approval) or a correction "
    "is already waiting.",
}


class ApiAutoSchema(AutoSchema):
    def _error_codes(self) -> tuple[str, ...]:
        if self.method == "GET":
            return ("400", "403", "404")  # lists: 404 for a filter naming an unseen record
        if self.method == "POST":
            return ("400", "403", "404", "409", "415")  # 404: a metric the user does not see
        return ("400", "403", "404", "409", "415")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses


# Bodies the API writes: no field beyond those named (400 otherwise), and a
# PATCH changes at least one (a malformed PATCH is refused, not a silent no-op).
STRICT_BODIES = {"MetricValue": {}, "PatchedMetricValue": {"minProperties": 1}}


def path_ids_without_pattern(result, generator, request, public):
    """Path ids are whole numbers; the router lets any text through to the view
    (which answers a JSON 404), so the schema says integer without the router's
    pattern. Write bodies are strict (STRICT_BODIES)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, extra in STRICT_BODIES.items():
        if name in schemas:
            schemas[name].update(additionalProperties=False, **extra)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == "id":
                    parameter["schema"] = {"type": "integer"}
    return result
