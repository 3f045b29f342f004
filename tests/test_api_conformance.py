"""The JSON API keeps to its OpenAPI schema: schemathesis generates requests
from /api/schema/ (valid and invalid ones) and checks every answer against it
with all of its checks. Bounded and derandomized, so CI runs the same cases
in about a minute; `make fuzz` may raise SCHEMATHESIS_EXAMPLES."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from csoprogram.lib import fiscal
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, add_value
from tests.plans.factories import PlanFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


@pytest.fixture
def analyst_token(analyst_fleet):
    return Token.objects.create(user=analyst_fleet).key


@pytest.fixture
def api_schema(db, analyst_token, dept_fleet, dept_streets):
    """The schema as the analyst reads it, with a little of everything to read."""
    area = PlanFactory(department=dept_fleet, status="approved").areas_of_focus.first()
    metric = MetricFactory(department=dept_fleet, area_of_focus=area, code="fleet-wait")
    add_value(metric, fiscal.last_completed_quarter().start, 21)
    MetricFactory(department=dept_streets, code="streets-potholes")
    PhillyStatMeetingFactory(department=dept_fleet)
    from csoprogram.wsgi import application

    # As Django's test client does: the requests share the test's database
    # connection, which the handler's end-of-request cleanup would close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/", application, headers={"Authorization": f"Token {analyst_token}"}
        )

        # Every case signs in with the analyst's token, given as auth so that
        # the "ignored auth" check knows what to leave out.
        @schema.auth(refresh_interval=None)
        class AnalystToken:
            def get(self, case, context):
                return analyst_token

            def set(self, case, data, context):
                case.headers = {
                    **(case.headers or {}),
                    "Authorization": f"Token {data}",
                    # The in-process client does not unzip; an HTTP client would.
                    "Accept-Encoding": "identity",
                }

        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(operation, mode) -> str:
    """The operation's cases in one generation mode; "" or the first failure."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report, do not minimise
    )
    def check(case):
        case.call_and_validate()

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # every failure is reported below
        return f"{operation.label} ({mode.value}): {exc}"
    return ""


def test_every_operation_answers_as_its_schema_says(api_schema):
    failures = [
        failure
        for result in api_schema.get_all_operations()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _run(result.ok(), mode))
    ]
    assert not failures, "\n\n".join(failures)
