"""Helpers of the fuzzing gate (tests/test_fuzz.py): the form fields of a page,
hostile values, and snapshots of what a request must not change."""

from __future__ import annotations

import datetime
import decimal
import math
from collections import deque
from html.parser import HTMLParser

from django.apps import apps
from django.db import models
from hypothesis import strategies as st

from departments.models import Department

PROJECT_APPS = ("departments", "focusgroups", "plans", "metrics", "csoprogram")


# --- Form fields, parsed from the page ------------------------------------------------


class FormFields(HTMLParser):
    """The named controls of the POST forms of a page whose action is `action`
    (or empty): name -> {"type", "values": valid values seen, "default"}."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.fields: dict[str, dict] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def _field(self, name, kind):
        return self.fields.setdefault(name, {"type": kind, "values": [], "default": None})

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            hx_post = a.get("data-hx-post") or a.get("hx-post")
            action = hx_post or a.get("action") or ""
            method = "post" if hx_post else (a.get("method") or "get").lower()
            self._in_form = method == "post" and action.split("#")[0] in ("", self.action)
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset") and not a.get("value"):
                return
            f = self._field(name, kind)
            value = a.get("value")
            if kind in ("radio", "checkbox", "submit", "hidden") and value is not None:
                f["values"].append(value)
            if value is not None and (kind not in ("radio", "checkbox") or "checked" in a):
                f["default"] = f["default"] if f["default"] is not None else value
        elif tag == "select" and name:
            self._select = name
            self._field(name, "select-multiple" if "multiple" in a else "select")
        elif tag == "option" and self._select:
            f = self.fields[self._select]
            value = a.get("value", "")
            f["values"].append(value)
            if "selected" in a and f["default"] is None:
                f["default"] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._field(name, "textarea")["default"] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea]["default"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, action: str) -> dict[str, dict]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


# --- Hostile values ---------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1' --",
    '"; DROP TABLE departments_department; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "${jndi:ldap://x/a}",
    "../../../../etc/passwd",
    '=HYPERLINK("http://x")',
    "%s%s%s%n",
    "\x00",
    "a\x00b",
    "\ud7ff\ufeff\u202e\u0000",
    "🏳️‍🌈" * 50,
    "Ω≈ç√∫˜µ≤≥÷",
    "\r\n\r\nSet-Cookie: x=1",
    "   ",
    "\t\n \u00a0\u2003",
    "",
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "abc",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    str(2**31),
    str(2**63),
    str(2**64 + 1),
    "9" * 40,
    "-" + "9" * 40,
    "12.345678901234567890",
    "1,5",
    " 7 ",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1-1-1",
    "2026/10/02",
    "02/10/2026",
    "yesterday",
    "2026-10-02T25:61:61",
    "2026-W40",
    "FY2027-Q5",
    "FY0000-Q1",
    "2026-00",
    "9999-99",
]


def _no_surrogates(s: str) -> str:
    return s.encode("utf-8", "replace").decode("utf-8")


hostile_text = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(max_size=40).map(_no_surrogates),
    st.integers(min_value=256, max_value=70_000).map(lambda n: ("Ä" + "x" * 9) * (n // 10)),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
)


def hostile_scalar(ids: list) -> st.SearchStrategy[str]:
    return st.one_of(
        hostile_text,
        st.sampled_from([str(i) for i in ids]),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def field_values(spec: dict, valid, ids: list) -> st.SearchStrategy:
    """Values for one form field: the valid one, a choice of the page, or hostile."""
    options = [v for v in spec.get("values", []) if v is not None] if spec else []
    kind = spec.get("type", "text") if spec else "text"
    hostile = hostile_scalar(ids)
    if kind == "number":
        hostile = st.one_of(st.sampled_from(NUMBERS), hostile)
    elif kind in ("date", "month", "datetime-local"):
        hostile = st.one_of(st.sampled_from(DATES), hostile)
    elif kind == "file":
        return st.one_of(st.just(valid), file_contents)
    choices = [st.just(valid)] if valid is not None else []
    if options:
        choices.append(st.sampled_from(options))
    choices.append(hostile)
    single = st.one_of(*choices)
    if kind in ("select-multiple", "checkbox") or isinstance(valid, list):
        return st.one_of(single, st.lists(st.one_of(*choices[1:] or [hostile]), max_size=4))
    return single


CSV_LINES = [
    "metric,period,value,note",
    "code,period,value,note",
    "fleet-x,FY2026-Q1,12,ok",
    "fleet-x,FY2026-Q5,abc,",
    '"unterminated,FY2026-Q1,1',
    "=cmd|' /C calc'!A0,1,1,1",
]
file_contents = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(st.sampled_from(CSV_LINES), hostile_text), min_size=1, max_size=8).map(
        lambda lines: "\n".join(lines).encode("utf-8", "replace")
    ),
    st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"", b"\x00" * 100]),
)

# Fields a form must never take from the request body.
PROTECTED_NAMES = [
    "department",
    "department_id",
    "status",
    "created_by",
    "author",
    "version",
    "id",
    "pk",
    "user",
    "plan",
    "session",
    "metric",
    "meeting",
    "proposed_for",
    "proposed_by",
    "entered_by",
    "requested_by",
    "approved_by",
    "endorsed_by",
    "decided_by",
    "code",
    "kind",
    "is_staff",
    "is_superuser",
    "username",
    "password",
    "ever_submitted",
    "submitted_at",
    "period_start",
    "program_year",
    "definition_version",
    "active",
]


def json_values(ids: list) -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from(ids),
        st.floats(allow_nan=True, allow_infinity=True),
        hostile_text,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


# --- Snapshots --------------------------------------------------------------------


def project_models():
    return [
        m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in PROJECT_APPS
    ]


def department_path(model, depth: int = 3) -> str | None:
    """The shortest lookup from `model` to its Department (None when it has none)."""
    if model is Department:
        return "pk"
    queue = deque([(model, "", 0)])
    while queue:
        m, prefix, d = queue.popleft()
        fks = [f for f in m._meta.concrete_fields if f.many_to_one or f.one_to_one]
        fks.sort(key=lambda f: f.name != "department")
        for f in fks:
            if f.name.startswith("history_"):
                continue
            path = f"{prefix}{f.name}"
            if f.related_model is Department:
                return path
            if d + 1 < depth:
                queue.append((f.related_model, path + "__", d + 1))
    return None


def normalise(value):
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value.is_finite() else str(value)
    return value


def department_rows(department) -> dict:
    """Every row of the department's data, in every project model (history included)."""
    result = {}
    for model in project_models():
        path = department_path(model)
        if path is None or model is Department:
            continue
        qs = model._default_manager.filter(**{path: department}).order_by("pk").values()
        result[model._meta.label] = [
            tuple(sorted((k, normalise(v)) for k, v in row.items())) for row in qs
        ]
    return result


def diff_rows(before: dict, after: dict, may_add=()) -> list[str]:
    out = []
    for label in sorted(set(before) | set(after)):
        b, a = before.get(label, []), after.get(label, [])
        if label in may_add and all(r in a for r in b):
            continue
        if b != a:
            gone = [r for r in b if r not in a]
            new = [r for r in a if r not in b]
            out.append(f"{label}: removed {gone[:2]!r} added {new[:2]!r} ({len(b)} -> {len(a)})")
    return out


def row_of(obj_model, pk):
    row = obj_model._default_manager.filter(pk=pk).values().first()
    return None if row is None else {k: normalise(v) for k, v in row.items()}


def is_timestamp(model, attname: str) -> bool:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return isinstance(f, models.DateTimeField)
    return False


def parse_form_name(name: str) -> set[str]:
    """The model fields a form control may set: "propose-name" -> {"name"}."""
    base = name.rsplit("-", 1)[-1]
    return {name, base, f"{base}_id"}


def today() -> datetime.date:
    return datetime.date.today()
