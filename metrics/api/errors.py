"""How the API answers a refused rule: a RuleError (a Django ValidationError)
becomes 400 with the field it names (409 for a conflict), like a serializer's
own errors; everything else goes to DRF's handler."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from csoprogram.lib.rules import RuleError


def api_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            body = {
                ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
                    m for e in errors for m in e.messages
                ]
                for name, errors in exc.error_dict.items()
            }
        else:
            body = {"non_field_errors": exc.messages}
        conflict = isinstance(exc, RuleError) and exc.rule_code == "conflict"
        code = status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
