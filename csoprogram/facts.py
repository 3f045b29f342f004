"""Facts every program-wide page reads, fetched for many departments at once.

The program review, the outcomes dashboard, program meetings and the program
update each show many departments. Each fact here is fetched for all of them
in one query and joined in Python by department id, so a page's query count
does not grow with the number of departments.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Sum
from django.utils import timezone

from csoprogram.lib import fiscal
from departments.models import Department
from departments.selectors import departments_visible_to
from focusgroups.models import FocusGroupSession
from metrics.models import Metric
from metrics.selectors import annotate_latest_value, metrics_complete_for
from plans.models import AreaOfFocus

from .stage import departments_with_stage, with_stage

# The areas of focus a department is working on now (what the pages count and
# name as "area of focus"): planned, sustained and withdrawn ones are not.
ACTIVE_AREA_STATUSES = (AreaOfFocus.Status.ACTIVE, AreaOfFocus.Status.PROGRESSING)


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural_word or word + 's')}"


def departments_for_page(user, *, department_ids=None) -> list[Department]:
    """The departments the user may see (of department_ids, if given), by
    name, each with its stage. One query."""
    qs = departments_visible_to(user)
    if department_ids is not None:
        qs = qs.filter(pk__in=department_ids)
    return with_stage(departments_with_stage(qs).order_by("name"))


@dataclass
class SessionFacts:
    """A department's held focus group sessions, per audience."""

    internal: int = 0
    external: int = 0
    mixed: int = 0
    people: dict[str, int] = field(default_factory=dict)  # audience -> participants
    last_recorded: datetime.datetime | None = None

    @property
    def held(self) -> int:
        return self.internal + self.external + self.mixed

    @property
    def with_internal(self) -> int:
        """Sessions that heard internal customers (mixed sessions heard both)."""
        return self.internal + self.mixed

    @property
    def with_external(self) -> int:
        return self.external + self.mixed


def session_facts(dept_ids) -> dict[int, SessionFacts]:
    """department id -> its held sessions and participants per audience. One query."""
    facts: dict[int, SessionFacts] = defaultdict(SessionFacts)
    rows = (
        FocusGroupSession.objects.filter(
            department_id__in=dept_ids, status=FocusGroupSession.Status.HELD
        )
        .order_by()
        .values_list("department_id", "audience")
        .annotate(n=Count("pk"), people=Sum("participants"), recorded=Max("updated_at"))
    )
    for dept_id, audience, n, people, recorded in rows:
        f = facts[dept_id]
        setattr(f, audience, n)
        f.people[audience] = people or 0
        f.last_recorded = max(filter(None, [f.last_recorded, recorded]), default=None)
    return facts


@dataclass
class MetricLine:
    """A customer service metric as the program-wide pages show it: its latest
    value and status (as stored by metrics.status.value_status), its target,
    and whether the quarter's values are complete (metrics_complete_for).
    Plain values, not a model instance: the outcomes dashboard shows hundreds."""

    pk: int
    department_id: int
    name: str
    unit: str
    decimals: int
    target_value: object
    latest_value: object
    latest_status: str | None
    has_quarter_value: bool


def metric_lines(dept_ids, quarter: fiscal.Quarter) -> dict[int, list[MetricLine]]:
    """department id -> its active metrics by name, with the latest value and
    whether `quarter` has a value. One query."""
    rows = (
        annotate_latest_value(Metric.objects.filter(department_id__in=dept_ids, active=True))
        # Complete by the one rule: a monthly metric needs all three months.
        .annotate(
            has_quarter_value=ExpressionWrapper(
                metrics_complete_for(quarter), output_field=BooleanField()
            )
        )
        .order_by("department_id", "name")
        .values_list(
            "pk",
            "department_id",
            "name",
            "unit",
            "decimals",
            "target_value",
            "latest_value",
            "latest_status",
            "has_quarter_value",
        )
    )
    lines: dict[int, list[MetricLine]] = defaultdict(list)
    for row in rows:
        line = MetricLine(*row)
        lines[line.department_id].append(line)
    return lines


def as_datetime(value) -> datetime.datetime | None:
    """A date or datetime as an aware datetime (a date counts from its midnight)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
