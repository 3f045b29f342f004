"""The theme board: what customers say across departments, theme by theme.

Filters (department, audience, sentiment, fiscal year or quarter, dates, only
feedback with a possible solution, words to search) narrow the feedback; each
live theme shows counts per department (a small chart and a table), the newest
quotes and possible solutions the person may read, and a drill-down lists all
of a theme's readable items, a page at a time.

Who reads what (unchanged): the CCSO and the MDO read every item; a CSO reads
their own departments' items and the items other CSOs marked shared. Counts
of unshared items are shown, their words never are, and a search counts only
readable items (a count of matches would tell what unshared feedback says).

Queries do not grow with departments: counts, themes, quotes, solutions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from csoprogram.lib import fiscal
from departments import roles

from .models import FeedbackItem, Theme
from .selectors import LIVE_THEME_STATUSES, ThemeLink

SEARCH_CONFIG = "english"
CHART_DEPARTMENTS = 8  # bars per theme chart
# Rows per theme's table: the page stays bounded at city scale (300
# departments); the department filter shows any one department's counts.
TABLE_DEPARTMENTS = 15


@dataclass(frozen=True)
class BoardFilters:
    department_id: int | None = None
    audience: str | None = None
    sentiment: str | None = None
    fiscal_year: int | None = None
    quarter: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    with_solution: bool = False
    q: str = ""

    def held_between(self) -> tuple[date | None, date | None]:
        """The dates sessions were held between: the fiscal year or quarter,
        narrowed further by explicit dates."""
        start, end = self.date_from, self.date_to
        if self.fiscal_year:
            quarters = fiscal.fiscal_year_quarters(self.fiscal_year)
            if self.quarter:
                quarters = [quarters[self.quarter - 1]]
            start = max(filter(None, [start, quarters[0].start]))
            end = min(filter(None, [end, quarters[-1].end]))
        return start, end

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


def readable_feedback(user, prefix: str = "") -> Q:
    """Feedback whose words the user may read outside its session page."""
    if roles.is_program_wide(user):
        return Q()
    own = roles.department_ids_with_role(user)
    return Q(**{f"{prefix}department_id__in": own}) | Q(**{f"{prefix}shared_with_csos": True})


def search_feedback(qs: QuerySet, q: str, prefix: str = "") -> QuerySet:
    """Full-text search over the feedback and its possible solution:
    PostgreSQL's (stemmed, "websearch" syntax, the GIN index of migration
    focusgroups 0003); a plain case-insensitive match elsewhere (SQLite)."""
    q = q.strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        vector = SearchVector(f"{prefix}text", f"{prefix}possible_solution", config=SEARCH_CONFIG)
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        return qs.annotate(feedback_search=vector).filter(feedback_search=query)
    words = Q()
    for word in q.split():
        words &= Q(**{f"{prefix}text__icontains": word}) | Q(
            **{f"{prefix}possible_solution__icontains": word}
        )
    return qs.filter(words)


def _filter(qs: QuerySet, filters: BoardFilters, prefix: str = "") -> QuerySet:
    p = prefix
    qs = qs.filter(**{f"{p}department__active": True})
    if filters.department_id:
        qs = qs.filter(**{f"{p}department_id": filters.department_id})
    if filters.audience:
        qs = qs.filter(**{f"{p}customer_type": filters.audience})
    if filters.sentiment:
        qs = qs.filter(**{f"{p}sentiment": filters.sentiment})
    start, end = filters.held_between()
    if start:
        qs = qs.filter(**{f"{p}session__held_on__gte": start})
    if end:
        qs = qs.filter(**{f"{p}session__held_on__lte": end})
    if filters.with_solution:
        qs = qs.exclude(**{f"{p}possible_solution": ""})
    return search_feedback(qs, filters.q, p) if filters.searching else qs


@dataclass
class DepartmentCounts:
    department_id: int
    name: str
    slug: str
    short_name: str = ""
    positive: int = 0
    negative: int = 0
    suggestion: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.negative + self.suggestion


@dataclass
class ChartBar:
    """One department's bar: widths in the chart's units (0..BAR_WIDTH)."""

    label: str
    y: int
    positive: float
    negative: float
    suggestion: float
    total: int

    @property
    def negative_x(self) -> float:
        return CHART_BAR_X + self.positive

    @property
    def suggestion_x(self) -> float:
        return CHART_BAR_X + self.positive + self.negative

    @property
    def total_x(self) -> float:
        return CHART_BAR_X + self.positive + self.negative + self.suggestion + 4


CHART_BAR_X = 120
CHART_BAR_WIDTH = 150
CHART_ROW = 18


@dataclass
class BoardTheme:
    theme: Theme
    departments: list[DepartmentCounts] = field(default_factory=list)
    quotes: list[FeedbackItem] = field(default_factory=list)
    solutions: list[FeedbackItem] = field(default_factory=list)

    @property
    def positive(self) -> int:
        return sum(d.positive for d in self.departments)

    @property
    def negative(self) -> int:
        return sum(d.negative for d in self.departments)

    @property
    def suggestion(self) -> int:
        return sum(d.suggestion for d in self.departments)

    @property
    def total(self) -> int:
        return self.positive + self.negative + self.suggestion

    @property
    def department_count(self) -> int:
        return len(self.departments)

    @property
    def chart(self) -> list[ChartBar]:
        """The departments with the most feedback on the theme, as bars."""
        shown = self.departments[:CHART_DEPARTMENTS]
        most = max((d.total for d in shown), default=0) or 1
        scale = CHART_BAR_WIDTH / most
        return [
            ChartBar(
                label=(d.short_name or d.name)[:18],
                y=i * CHART_ROW,
                positive=round(d.positive * scale, 1),
                negative=round(d.negative * scale, 1),
                suggestion=round(d.suggestion * scale, 1),
                total=d.total,
            )
            for i, d in enumerate(shown)
        ]

    @property
    def chart_height(self) -> int:
        return CHART_ROW * len(self.chart)

    @property
    def chart_more(self) -> int:
        return max(0, len(self.departments) - CHART_DEPARTMENTS)

    @property
    def table(self) -> list[DepartmentCounts]:
        """The departments with the most feedback on the theme, for its table."""
        return self.departments[:TABLE_DEPARTMENTS]

    @property
    def table_more(self) -> int:
        return max(0, len(self.departments) - TABLE_DEPARTMENTS)


@dataclass
class ThemeBoard:
    themes: list[BoardTheme]
    quiet_themes: list[Theme]
    sees_everything: bool


def _links(user, filters: BoardFilters) -> QuerySet:
    links = ThemeLink.objects.filter(theme__status__in=LIVE_THEME_STATUSES)
    links = _filter(links, filters, "feedbackitem__")
    if filters.searching:
        links = links.filter(readable_feedback(user, "feedbackitem__"))
    return links


def theme_board(
    *,
    user,
    audience: str | None = None,
    sentiment: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    filters: BoardFilters | None = None,
    quotes_per_theme: int = 3,
) -> ThemeBoard:
    """Each live theme with counts per department, the newest quotes and the
    possible solutions the user may read. Four queries for any number of
    departments: counts, themes, quotes, solutions."""
    filters = filters or BoardFilters()
    filters = replace(
        filters,
        audience=audience or filters.audience,
        sentiment=sentiment or filters.sentiment,
        date_from=date_from or filters.date_from,
        date_to=date_to or filters.date_to,
    )
    links = _links(user, filters)
    counts = (
        links.order_by()
        .values(
            "theme_id",
            "feedbackitem__department_id",
            "feedbackitem__department__name",
            "feedbackitem__department__slug",
            "feedbackitem__department__short_name",
            "feedbackitem__sentiment",
        )
        .annotate(n=Count("id"))
    )
    per_theme: dict[int, dict[int, DepartmentCounts]] = {}
    for row in counts:
        dept_id = row["feedbackitem__department_id"]
        depts = per_theme.setdefault(row["theme_id"], {})
        dc = depts.get(dept_id)
        if dc is None:
            dc = depts[dept_id] = DepartmentCounts(
                dept_id,
                row["feedbackitem__department__name"],
                row["feedbackitem__department__slug"],
                row["feedbackitem__department__short_name"],
            )
        setattr(dc, row["feedbackitem__sentiment"], row["n"])

    themes = list(
        Theme.objects.filter(status__in=LIVE_THEME_STATUSES)
        .select_related("proposed_for")
        .order_by("name")
    )
    readable = links.filter(readable_feedback(user, "feedbackitem__"))

    def newest(qs) -> dict[int, list[FeedbackItem]]:
        ranked = (
            qs.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("theme_id")],
                    order_by=[F("feedbackitem__created_at").desc(), F("feedbackitem_id").desc()],
                )
            )
            .filter(rank__lte=quotes_per_theme)
            .select_related("feedbackitem__department", "feedbackitem__session")
            .order_by("theme_id", "rank")
        )
        result: dict[int, list[FeedbackItem]] = {}
        for link in ranked:
            result.setdefault(link.theme_id, []).append(link.feedbackitem)
        return result

    quotes = newest(readable)
    solutions = newest(readable.exclude(feedbackitem__possible_solution=""))

    board, quiet = [], []
    for theme in themes:
        depts = per_theme.get(theme.pk)
        if not depts:
            quiet.append(theme)
            continue
        board.append(
            BoardTheme(
                theme=theme,
                departments=sorted(depts.values(), key=lambda d: (-d.total, d.name)),
                quotes=quotes.get(theme.pk, []),
                solutions=solutions.get(theme.pk, []),
            )
        )
    board.sort(key=lambda b: (-b.total, b.theme.name.lower()))
    return ThemeBoard(board, quiet, sees_everything=theme_board_sees_everything(user))


def theme_items(*, user, theme: Theme, filters: BoardFilters) -> QuerySet[FeedbackItem]:
    """All of a theme's feedback the user may read, newest first (paginate it)."""
    items = FeedbackItem.objects.filter(themes=theme).filter(readable_feedback(user))
    return (
        _filter(items, filters)
        .select_related("department", "session")
        .order_by("-session__held_on", "-created_at", "-pk")
    )


def theme_board_sees_everything(user) -> bool:
    """The CCSO and the MDO read every item; a CSO reads their own and the shared."""
    return roles.is_program_wide(user)
