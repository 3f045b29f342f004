"""The audit trail: every change to every program record, from the
django-simple-history tables of each app, filtered by department, person,
kind and dates, newest first.

One UNION ALL of the history tables gives a page (each table contributes at
most the page's last row, so the database sorts little) and one its count;
people and departments are looked up once per page. So a page costs the same
few queries however many records and changes there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, F, IntegerField, QuerySet, TextField, Value
from django.db.models.functions import Cast, Left
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from csoprogram.models import DepartmentPublication, ProgramActionItem, ProgramMeeting
from departments.models import Department, DepartmentAssignment, User
from focusgroups.models import FeedbackItem, FocusGroupSession, Theme
from metrics.models import (
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ValueCorrection,
)
from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, LeaderSupport, Success

COLUMNS = (
    "kind",
    "object_id",
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "history_change_reason",
    "department_id",
    "title",
)
CHANGE_WORDS = {"+": "Added", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class AuditKind:
    key: str
    label: str
    model: type
    department: str | None  # path to the department id on the history row
    title: str | None  # path to words that name the record
    url_name: str = ""  # the record's page, when it has one (by its id)


KINDS = (
    AuditKind("department", "Department", Department, "id", "name"),
    AuditKind("assignment", "Role", DepartmentAssignment, "department_id", "role"),
    AuditKind("person", "Person", User, None, "username"),
    AuditKind(
        "session",
        "Focus group session",
        FocusGroupSession,
        "department_id",
        "audience",
        "focusgroups:session_detail",
    ),
    AuditKind("feedback", "Feedback", FeedbackItem, "department_id", "text"),
    AuditKind("theme", "Theme", Theme, "proposed_for_id", "name"),
    AuditKind(
        "plan",
        "Customer service plan",
        CustomerServicePlan,
        "department_id",
        "status",
        "plans:plan_detail",
    ),
    AuditKind("area", "Area of focus", AreaOfFocus, "department_id", "title"),
    AuditKind("impediment", "Impediment", Impediment, "department_id", "description"),
    AuditKind(
        "support", "Support and encouragement", LeaderSupport, "department_id", "description"
    ),
    AuditKind("success", "Success", Success, "department_id", "title"),
    AuditKind(
        "metric",
        "Customer service metric",
        Metric,
        "department_id",
        "name",
        "metrics:metric_detail",
    ),
    AuditKind("value", "Metric value", MetricValue, "metric__department_id", "metric__name"),
    AuditKind(
        "correction", "Correction of a value", ValueCorrection, "metric__department_id", "reason"
    ),
    AuditKind(
        "meeting",
        "PhillyStat meeting",
        PhillyStatMeeting,
        "department_id",
        "date",
        "metrics:meeting_detail",
    ),
    AuditKind(
        "narrative", "Quarterly narrative", QuarterlyNarrative, "department_id", "what_changed"
    ),
    AuditKind("note", "Note on a metric", MetricNote, "narrative__department_id", "note"),
    AuditKind(
        "narrative_correction",
        "Correction of a narrative",
        NarrativeCorrection,
        "department_id",
        "reason",
    ),
    AuditKind("commitment", "Commitment", Commitment, "department_id", "what"),
    AuditKind("publication", "Public page", DepartmentPublication, "department_id", "status"),
    AuditKind(
        "program_meeting",
        "Program meeting",
        ProgramMeeting,
        None,
        "title",
        "csoprogram:meeting_detail",
    ),
    AuditKind("action_item", "Program action item", ProgramActionItem, "department_id", "what"),
)
KIND_BY_KEY = {k.key: k for k in KINDS}
KIND_CHOICES = [("", "Every kind")] + [(k.key, k.label) for k in KINDS]


@dataclass(frozen=True)
class AuditFilter:
    department: Department | None = None
    person: User | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _kind_rows(kind: AuditKind, f: AuditFilter) -> QuerySet | None:
    qs = kind.model.history.all()
    if f.department is not None:
        if kind.department is None:
            return None
        qs = qs.filter(**{kind.department: f.department.pk})
    if f.person is not None:
        qs = qs.filter(history_user_id=f.person.pk)
    if f.date_from:
        qs = qs.filter(history_date__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(history_date__lt=_start_of(f.date_to + datetime.timedelta(days=1)))
    department = F(kind.department) if kind.department else Value(None, output_field=IntegerField())
    title = (
        Left(Cast(kind.title, output_field=TextField()), 120)
        if kind.title
        else Value("", output_field=TextField())
    )
    return (
        qs.order_by()
        .annotate(
            audit_kind=Value(kind.key, output_field=CharField()),
            audit_id=F("id"),
            department_ref=Cast(department, output_field=IntegerField()),
            title_text=title,
        )
        .values_list(
            "audit_kind",
            "audit_id",
            "history_id",
            "history_date",
            "history_type",
            "history_user_id",
            "history_change_reason",
            "department_ref",
            "title_text",
        )
    )


def audit_rows(f: AuditFilter, *, first_rows: int | None = None):
    """The changes matching the filter, newest first, as tuples of COLUMNS.
    first_rows: only that many are needed (a page's end), so each table
    gives no more than that."""
    parts = [
        rows
        for kind in KINDS
        if not f.kind or kind.key == f.kind
        if (rows := _kind_rows(kind, f)) is not None
    ]
    if not parts:
        return []
    if len(parts) == 1:
        return parts[0].order_by("-history_date", "-history_id")
    if first_rows is not None and connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL can cut each table's rows before the union; SQLite cannot.
        parts = [p.order_by("-history_date", "-history_id")[:first_rows] for p in parts]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


PER_PAGE = 50


@dataclass
class AuditPage:
    entries: list
    number: int
    count: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def audit_page(f: AuditFilter, number: int) -> AuditPage:
    """One page of the trail: two queries for the rows and their count, two
    for the people and departments they name."""
    count = audit_count(f)
    pages = max(1, -(-count // PER_PAGE))
    number = min(max(1, number), pages)
    offset = (number - 1) * PER_PAGE
    rows = audit_rows(f, first_rows=offset + PER_PAGE)
    return AuditPage(audit_entries(rows[offset : offset + PER_PAGE]), number, count)


def audit_count(f: AuditFilter) -> int:
    rows = audit_rows(f)
    return rows.count() if rows != [] else 0


@dataclass
class AuditEntry:
    kind: AuditKind
    object_id: int
    when: datetime.datetime
    change: str
    who: User | None
    reason: str
    department: Department | None
    title: str

    @property
    def url(self) -> str:
        if not self.kind.url_name or self.change == "Deleted":
            return ""
        try:
            return reverse(self.kind.url_name, kwargs={"pk": self.object_id})
        except NoReverseMatch:
            return ""


def audit_entries(rows) -> list[AuditEntry]:
    """Rows as entries, with their people and departments (two queries)."""
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    people = User.objects.in_bulk({r["history_user_id"] for r in rows} - {None})
    departments = Department.objects.in_bulk({r["department_id"] for r in rows} - {None})
    return [
        AuditEntry(
            kind=KIND_BY_KEY[r["kind"]],
            object_id=r["object_id"],
            when=r["history_date"],
            change=CHANGE_WORDS.get(r["history_type"], r["history_type"]),
            who=people.get(r["history_user_id"]),
            reason=r["history_change_reason"] or "",
            department=departments.get(r["department_id"]),
            title=r["title"] or "",
        )
        for r in rows
    ]


AUDIT_CSV_HEADER = ["When", "Who", "Kind", "Change", "Record", "Department", "Reason"]


def audit_csv_rows(f: AuditFilter, *, chunk: int = 2000):
    """The header, then every matching change, read in chunks so the
    download streams without holding the whole trail in memory."""
    yield AUDIT_CSV_HEADER
    rows = audit_rows(f)
    offset = 0
    while True:
        page = list(rows[offset : offset + chunk])
        if not page:
            return
        for e in audit_entries(page):
            yield [
                timezone.localtime(e.when).isoformat(timespec="seconds"),
                e.who.get_full_name() or e.who.username if e.who else "System",
                e.kind.label,
                e.change,
                e.title,
                e.department.name if e.department else "",
                e.reason,
            ]
        offset += chunk
