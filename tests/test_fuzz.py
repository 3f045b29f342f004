"""Fuzzing gate: hypothesis posts hostile input to every form-handling POST
endpoint of the access-policy table and to every API write endpoint.

For each endpoint, the persona allowed to act on department A's object posts
the canonical data of the policy rule with some fields replaced by hostile
values (unicode, very long, injection and whitespace-only strings, huge,
negative and non-numbers, impossible dates, other departments' ids) and with
extra fields a form must never take (department, status, created_by,
version, ...). Every input must get an answer below 500, and nothing outside
the form may change:

- the target object (and department A's row, and the actor's user row) keeps
  every field that is not a form field; a field the canonical request changes
  (status, version, timestamps) may only take the value that request gives it;
- department B's data (every row of every project model that leads to B,
  history included) is exactly as it was;
- rows created by the request name the actor as their author.

Each example runs in a savepoint that is rolled back, so examples are
independent. FUZZ_EXAMPLES sets the examples per endpoint (default 15, about
2-3 minutes). The CI run is derandomized: the same inputs every time, so a
red build means a change broke something, not that the dice found an old bug.
`make fuzz` is the nightly-style run (FUZZ_EXAMPLES=200 FUZZ_RANDOM=1: fresh
random inputs, more than 10,000 in all). FUZZ_SHRINK=1 shrinks a failing
example (slow).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from csoprogram.lib import fiscal
from csoprogram.models import Notification, ProgramMeeting, ProgramMeetingDepartment
from departments.models import Department, User
from focusgroups.models import FeedbackItem, FocusGroupSession, Theme
from metrics.models import Commitment, Metric, MetricValue, PhillyStatMeeting
from metrics.phillystat.models import ReviewPacket
from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, PlanComment
from tests import fuzz_helpers as fh
from tests.departments.factories import TEST_PASSWORD
from tests.metrics.factories import MetricFactory, add_value
from tests.test_access_policy import OBJECTS, RULES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("FUZZ_SHRINK"):
    PHASES.append(Phase.shrink)

FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    max_examples=EXAMPLES,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,
    phases=PHASES,
)

COUNTS: dict[str, int] = {}
STATUSES: dict[str, dict[int, int]] = {}

# The model of each policy object and the URL argument naming it (department
# objects are checked as department A's row, which every endpoint checks).
TARGETS = {
    "own_notification": (Notification, "pk"),
    "session": (FocusGroupSession, "pk"),
    "feedback": (FeedbackItem, "pk"),
    "proposed_theme": (Theme, "pk"),
    "draft_plan": (CustomerServicePlan, "pk"),
    "draft_plan_without_area": (CustomerServicePlan, "pk"),
    "submitted_plan": (CustomerServicePlan, "pk"),
    "approved_plan": (CustomerServicePlan, "pk"),
    "area_in_draft": (AreaOfFocus, "pk"),
    "area_in_submitted": (AreaOfFocus, "pk"),
    "impediment": (Impediment, "pk"),
    "cso_comment": (PlanComment, "pk"),
    "metric": (Metric, "pk"),
    "meeting": (PhillyStatMeeting, "pk"),
    "commitment": (Commitment, "pk"),
    "packet": (ReviewPacket, "pk"),
    "failed_packet": (ReviewPacket, "pk"),
    "program_meeting": (ProgramMeeting, "pk"),
    "program_meeting_entry": (ProgramMeetingDepartment, "entry_pk"),
    "api_value": (MetricValue, "pk"),
}

# Form controls named differently from the model field they set.
ALIASES = {"into": {"merged_into", "merged_into_id"}, "new_password1": {"password"}}

# Fields naming who made a row: a new row must name the actor (or nobody).
CREATOR_FIELDS = (
    "created_by",
    "author",
    "entered_by",
    "requested_by",
    "proposed_by",
    "scheduled_by",
    "written_by",
    "changed_by",
)

# Department B rows an endpoint may add: the CCSO puts any department on a
# program meeting's agenda.
B_MAY_ADD = {"csoprogram:meeting_create": ("csoprogram.ProgramMeetingDepartment",)}


def _grid_metrics(department):
    """The value grid has a field per metric and period: one quarterly metric with
    a value last quarter, one monthly."""
    quarterly = MetricFactory(department=department)
    add_value(quarterly, fiscal.last_completed_quarter().start, 12)
    monthly = MetricFactory(department=department, frequency="monthly")
    return [quarterly.pk, monthly.pk]


def _import_metric(department):
    return [MetricFactory(department=department, code="fleet-x").pk]


PREPARE = {"metrics:value_grid": _grid_metrics, "metrics:value_import": _import_metric}

# Pages that hold the form of an endpoint that has no GET page of its own.
FORM_PAGES = {
    "logout": lambda kw: ["/"],
    "notification_read_all": lambda kw: [reverse("notification_list")],
    "notification_open": lambda kw: [reverse("notification_list")],
    "focusgroups:feedback_add": lambda kw: [reverse("focusgroups:session_detail", kwargs=kw)],
    "focusgroups:theme_propose": lambda kw: [reverse("focusgroups:theme_list")],
    "focusgroups:theme_create": lambda kw: [reverse("focusgroups:theme_list")],
    "focusgroups:theme_merge": lambda kw: [reverse("focusgroups:theme_list")],
    "plans:plan_comment": lambda kw: [reverse("plans:plan_detail", kwargs=kw)],
    "plans:plan_endorse": lambda kw: [reverse("plans:plan_detail", kwargs=kw)],
    "plans:impediment_create": lambda kw: [reverse("plans:change_record", kwargs=kw)],
    "plans:support_create": lambda kw: [reverse("plans:change_record", kwargs=kw)],
    "plans:success_create": lambda kw: [reverse("plans:change_record", kwargs=kw)],
    "plans:impediment_resolve": lambda kw: [reverse("plans:change_record", args=["fleet"])],
    "metrics:library_copy": lambda kw: [reverse("metrics:library")],
    "csoprogram:meeting_move": lambda kw: [
        reverse("csoprogram:meeting_detail", kwargs={"pk": kw["pk"]})
    ],
    "csoprogram:action_item_add": lambda kw: [reverse("csoprogram:meeting_detail", kwargs=kw)],
    "csoprogram:publication_approve": lambda kw: [reverse("csoprogram:publication", kwargs=kw)],
    "csoprogram:publication_withdraw": lambda kw: [reverse("csoprogram:publication", kwargs=kw)],
}


@dataclass
class Endpoint:
    id: str
    url_name: str
    persona: str
    status: int  # of the canonical request
    obj: str | None = None
    method: str = "post"
    data: object = field(default_factory=dict)
    htmx: bool = False
    api: bool = False


def _endpoints() -> list[Endpoint]:
    out = []
    for rule in RULES:
        if rule.method != "post":
            continue
        allowed = [p for p, s in rule.expect_a.items() if p != "anonymous" and s < 400]
        if not allowed:
            # A rule of refusals only (an empty form answering 400): the same
            # endpoint's accepted POST has a rule of its own, fuzzed there.
            continue
        persona = allowed[0]
        suffix = f" [{rule.obj}]" if rule.obj else ""
        suffix += " htmx" if rule.htmx else ""
        out.append(
            Endpoint(
                id=f"{rule.id}{suffix}",
                url_name=rule.url_name,
                persona=persona,
                status=rule.expect_a[persona],
                obj=rule.obj,
                data=rule.data,
                htmx=rule.htmx,
                api=rule.url_name.startswith("api:"),
            )
        )
    # Writes the policy table does not list as POST rules.
    out += [
        Endpoint("POST login", "login", "anonymous", 302, data=_login_data),
        # The theme form also saves on POST, but the policy table lists only its GET.
        Endpoint(
            "POST focusgroups:theme_edit",
            "focusgroups:theme_edit",
            "ccso",
            302,
            obj="proposed_theme",
            data={"name": "Signage near the depot", "description": "Where to go."},
        ),
        Endpoint("POST password_change", "password_change", "cso_fleet", 302, data=_password_data),
        Endpoint(
            "PUT api:value-detail",
            "api:value-detail",
            "analyst_fleet",
            200,
            obj="api_value",
            method="put",
            data=_api_value_put,
            api=True,
        ),
        Endpoint(
            "PATCH api:value-detail",
            "api:value-detail",
            "analyst_fleet",
            200,
            obj="api_value",
            method="patch",
            data=lambda o: {"value": "31.5", "reason": "Recounted."},
            api=True,
        ),
    ]
    return out


def _login_data(objects):
    return {"username": "cso_fleet", "password": TEST_PASSWORD}


def _password_data(objects):
    new = "Another-horse-battery-42"
    return {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}


def _api_value_put(objects):
    value = MetricValue.objects.select_related("metric").get(pk=objects["kwargs"]["pk"])
    period = fiscal.period_code(value.period_start, value.metric.frequency)
    return {"metric": value.metric_id, "period": period, "value": "27", "reason": "Recounted."}


ENDPOINTS = _endpoints()


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Run the block in a savepoint and undo everything it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    yield
    total = sum(COUNTS.values())
    line = (
        f"fuzz: {total:,} inputs to {len(COUNTS)} endpoints "
        f"({EXAMPLES} examples per endpoint; FUZZ_EXAMPLES to change)"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(line)
    out = Path(django_settings.BASE_DIR) / "test-artifacts" / "fuzz"
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(
        json.dumps(
            {"examples": EXAMPLES, "total": total, "per_endpoint": COUNTS, "statuses": STATUSES},
            indent=1,
        )
    )


@pytest.fixture
def world_b(personas, dept_streets):
    """Department B with an object of every kind, for the fuzzed ids to point at
    and for the snapshot to prove untouched."""
    world = {"personas": personas}
    ids = [dept_streets.pk, *(u.pk for u in personas.values() if u)]
    for builder in OBJECTS.values():
        try:
            with transaction.atomic():
                ids += [v for v in builder(dept_streets, world).values() if isinstance(v, int)]
        except (IntegrityError, ValueError, LookupError):
            continue  # one plan per year: some builders cannot all run for one department
    ids += list(Theme.objects.filter(proposed_for=dept_streets).values_list("pk", flat=True))
    ids += list(Metric.objects.filter(department=dept_streets).values_list("pk", flat=True))
    return ids


def _targets(endpoint, kwargs, actor, department):
    targets = [("department A", Department, department.pk)]
    targets.append(
        ("actor", User, actor.pk if actor else User.objects.get(username="cso_fleet").pk)
    )
    if endpoint.obj in TARGETS:
        model, key = TARGETS[endpoint.obj]
        targets.append((model._meta.label, model, kwargs[key]))
    return targets


def _creator_models():
    return [
        (m, [f.attname for f in m._meta.concrete_fields if f.name in CREATOR_FIELDS])
        for m in fh.project_models()
        if not m.__name__.startswith("Historical")
        and any(f.name in CREATOR_FIELDS for f in m._meta.concrete_fields)
    ]


CREATOR_MODELS = None


def _max_pks():
    global CREATOR_MODELS
    if CREATOR_MODELS is None:
        CREATOR_MODELS = _creator_models()
    return {
        m: (m._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for m, _ in CREATOR_MODELS
    }


def _send(client, endpoint, url, body, *, raw=None):
    headers = {"HX-Request": "true"} if endpoint.htmx else {}
    if endpoint.api:
        payload = raw if raw is not None else json.dumps(body)
        return client.generic(
            endpoint.method.upper(), url, payload, content_type="application/json", headers=headers
        )
    return client.post(url, body, headers=headers)


class Fuzz:
    """One endpoint: its form fields, the canonical request's changes, the checks."""

    def __init__(self, endpoint, personas, dept_a, dept_b, b_ids):
        self.e = endpoint
        self.personas = personas
        self.actor = personas[endpoint.persona]
        self.dept_a, self.dept_b, self.ids = dept_a, dept_b, b_ids
        self.client = Client(raise_request_exception=False)
        self.fields: dict[str, dict] = {}
        self.form_names: set[str] = set()
        self.baseline: dict[str, dict] = {}
        self.form_fed: set[tuple[str, str]] = set()

    # -- one request, with its before/after -------------------------------------------
    def login(self):
        """Sign the actor in once, outside the examples' savepoints, and make the
        data an endpoint's form is built from (stable ids for its field names)."""
        if self.e.url_name in PREPARE:
            self.ids += PREPARE[self.e.url_name](self.dept_a)
        if self.actor is not None:
            self.client.force_login(self.actor)
        self.cookies = self.client.cookies.copy()

    def setup(self):
        # An example may log out or cycle the session key; its session rows are
        # rolled back, so each example starts again from the actor's session.
        self.client.cookies = self.cookies.copy()
        world = {"personas": self.personas}
        kwargs = OBJECTS[self.e.obj](self.dept_a, world) if self.e.obj else {}
        url = reverse(self.e.url_name, kwargs=kwargs)
        objects = {"department": self.dept_a, "kwargs": kwargs, **world}
        valid = self.e.data(objects) if callable(self.e.data) else dict(self.e.data)
        return kwargs, url, valid

    def request(self, kwargs, url, body, raw=None):
        targets = _targets(self.e, kwargs, self.actor, self.dept_a)
        before = {label: fh.row_of(model, pk) for label, model, pk in targets}
        b_before = fh.department_rows(self.dept_b)
        max_pks = _max_pks()
        response = _send(self.client, self.e, url, body, raw=raw)
        COUNTS[self.e.id] = COUNTS.get(self.e.id, 0) + 1
        codes = STATUSES.setdefault(self.e.id, {})
        codes[response.status_code] = codes.get(response.status_code, 0) + 1
        if self.actor is not None and self.e.url_name != "logout":
            assert not response.get("Location", "").startswith(reverse("login")), (
                f"{self.e.id}: the actor was signed out; the fuzzing would test nothing"
            )
        assert response.status_code < 500, (
            f"{self.e.id}: {response.status_code} for {_short(body if raw is None else raw)}"
        )
        after = {label: fh.row_of(model, pk) for label, model, pk in targets}
        b_diff = fh.diff_rows(
            b_before, fh.department_rows(self.dept_b), may_add=B_MAY_ADD.get(self.e.url_name, ())
        )
        assert not b_diff, f"{self.e.id} changed department B's data: {b_diff} for {_short(body)}"
        if self.actor is not None:
            for model, attnames in CREATOR_MODELS:
                for row in model._default_manager.filter(pk__gt=max_pks[model]).values(*attnames):
                    for name, value in row.items():
                        assert value in (None, self.actor.pk), (
                            f"{self.e.id}: new {model._meta.label}.{name} = {value}, "
                            f"not the actor {self.actor.pk}, for {_short(body)}"
                        )
        return response, targets, before, after

    # -- discovery and the canonical request --------------------------------------------
    def discover(self):
        self.login()
        with rolled_back():
            kwargs, url, valid = self.setup()
            pages = [url, *FORM_PAGES.get(self.e.url_name, lambda kw: [])(kwargs)]
            headers = {"HX-Request": "true"} if self.e.htmx else {}
            marker = f"-{kwargs.get('pk')}-"
            for page in pages:
                response = self.client.get(page, headers=headers)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    for name, spec in fh.form_fields(response.content.decode(), url).items():
                        # "item-12-text": the object's pk changes from example to example.
                        self.fields.setdefault(name.replace(marker, "-{pk}-"), spec)
            for name in valid:
                self.fields.setdefault(name, {"type": "text", "values": [], "default": None})
            if self.e.api:
                for name in ("metric", "period", "value", "note", "reason"):
                    self.fields.setdefault(name, {"type": "text", "values": [], "default": None})
            for name in self.fields:
                self.form_names |= fh.parse_form_name(name) | ALIASES.get(name, set())
            response, targets, before, after = self.request(kwargs, url, valid)
            assert response.status_code == self.e.status, (
                f"{self.e.id}: the canonical request answered {response.status_code}, "
                f"not {self.e.status}: {response.content[:500]!r}"
            )
            for label, _model, _pk in targets:
                b, a = before[label], after[label]
                if a is None:
                    self.baseline[label] = None  # deleted
                else:
                    self.baseline[label] = {k: v for k, v in a.items() if b[k] != v}
                    # A field that took a value of the form is set by the form ("note"
                    # -> progress_confirmation_note): any value may land there.
                    posted = {str(v) for v in valid.values() if not isinstance(v, list)}
                    self.form_fed |= {
                        (label, k) for k, v in self.baseline[label].items() if str(v) in posted
                    }

    def check_targets(self, targets, before, after, body):
        for label, model, _pk in targets:
            b, a = before[label], after[label]
            changed_ok = self.baseline.get(label)
            if a is None:
                assert changed_ok is None, f"{self.e.id} deleted {label} for {_short(body)}"
                continue
            for key, value in a.items():
                if value == b[key] or key in self.form_names or (label, key) in self.form_fed:
                    continue
                if fh.is_timestamp(model, key):
                    continue
                if changed_ok and key in changed_ok and value == changed_ok[key]:
                    continue
                raise AssertionError(
                    f"{self.e.id} changed {label}.{key} from {b[key]!r} to {_short(value)} "
                    f"(the canonical request: {(changed_ok or {}).get(key, 'no change')!r}) "
                    f"for {_short(body)}"
                )

    # -- one fuzzed example ---------------------------------------------------------------
    def draw_body(self, data, kwargs, valid):
        body = {}
        for template in sorted(self.fields):
            spec = self.fields[template]
            name = template.replace("{pk}", str(kwargs.get("pk")))
            default = valid.get(name, valid.get(name.rsplit("-", 1)[-1], spec.get("default")))
            choice = data.draw(st.integers(0, 9), label=f"mode {name}")
            if choice <= 4:
                value = default
            elif choice <= 8:
                if self.e.api:
                    value = data.draw(
                        st.one_of(st.just(default), fh.json_values(self.ids)), label=name
                    )
                else:
                    value = data.draw(fh.field_values(spec, default, self.ids), label=name)
            else:
                continue
            if spec.get("type") == "file" and not self.e.api:
                content = value if isinstance(value, bytes) else b""
                value = SimpleUploadedFile("values.csv", content, content_type="text/csv")
            if value is None and not self.e.api:
                continue
            body[name] = value
        extras = data.draw(
            st.lists(st.sampled_from(fh.PROTECTED_NAMES), max_size=4, unique=True), label="extras"
        )
        for name in extras:
            if name in self.fields:
                continue
            if self.e.api:
                body[name] = data.draw(fh.json_values(self.ids), label=name)
            else:
                body[name] = data.draw(fh.hostile_scalar(self.ids), label=name)
        if self.e.api:
            shape = data.draw(st.integers(0, 19), label="shape")
            if shape == 0:
                return body, data.draw(st.binary(max_size=200), label="raw")
            if shape == 1:
                return body, json.dumps(data.draw(fh.json_values(self.ids), label="json"))
        return body, None

    def example(self, data):
        with rolled_back():
            kwargs, url, valid = self.setup()
            body, raw = self.draw_body(data, kwargs, valid)
            response, targets, before, after = self.request(kwargs, url, body, raw)
            self.check_targets(targets, before, after, body)


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# Endpoints with a known bug, reported for the app's owners (strict: they must still fail).
KNOWN_BUGS: dict[str, str] = {}


def _params():
    for e in ENDPOINTS:
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[e.id])] if e.id in KNOWN_BUGS else []
        )
        yield pytest.param(e, id=e.id, marks=marks)


@pytest.mark.parametrize("endpoint", list(_params()))
def test_fuzz_endpoint(endpoint, personas, dept_fleet, dept_streets, world_b):
    fuzz = Fuzz(endpoint, personas, dept_fleet, dept_streets, world_b)
    fuzz.discover()

    @FUZZ_SETTINGS
    @given(data=st.data())
    def run(data):
        fuzz.example(data)

    run()


def test_fuzz_covers_every_post_rule_and_api_write():
    post_rules = {r.url_name for r in RULES if r.method == "post"}
    assert post_rules <= {e.url_name for e in ENDPOINTS}
    assert {"put", "patch"} <= {e.method for e in ENDPOINTS if e.api}
