"""Reads about focus groups. Every selector that serves a page runs a fixed
number of queries, however many departments, sessions or themes there are."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from departments import roles
from departments.models import Department, DepartmentRole
from departments.selectors import departments_visible_to

from .models import Audience, CustomerType, FeedbackItem, FocusGroupSession, Sentiment, Theme

# Themes that count on the board and in summaries: a rejected theme has been
# removed from its feedback and a merged one has handed its feedback on.
LIVE_THEME_STATUSES = (Theme.Status.ACCEPTED, Theme.Status.PROPOSED)
ThemeLink = FeedbackItem.themes.through


def annotate_focus_group_progress(qs: QuerySet) -> QuerySet:
    """Add focus_groups_held, heard_internal, heard_external to a Department queryset.

    Correlated subqueries, so the departments list stays one query however
    many departments it shows. A mixed session hears both kinds of customer.
    """
    held = FocusGroupSession.objects.filter(
        department=OuterRef("pk"), status=FocusGroupSession.Status.HELD
    )
    held_count = held.order_by().values("department").annotate(n=Count("pk")).values("n")[:1]
    return qs.annotate(
        focus_groups_held=Coalesce(Subquery(held_count, output_field=IntegerField()), Value(0)),
        heard_internal=Exists(held.filter(audience__in=[Audience.INTERNAL, Audience.MIXED])),
        heard_external=Exists(held.filter(audience__in=[Audience.EXTERNAL, Audience.MIXED])),
    )


# Sessions -------------------------------------------------------------------


def sessions_visible_to(user) -> QuerySet[FocusGroupSession]:
    return (
        FocusGroupSession.objects.filter(department__in=departments_visible_to(user))
        .select_related("department", "facilitator")
        .annotate(feedback_count=Count("feedback_items"))
    )


def session_list_departments(user, *, department_slug: str | None = None):
    """The departments the user may see (or the one asked for), by name, each
    with its focus-group progress: a queryset, to be paged."""
    departments = annotate_focus_group_progress(departments_visible_to(user)).order_by("name", "pk")
    if department_slug:
        departments = departments.filter(slug=department_slug)
    return departments


def session_list_for_user(
    user, *, department_slug: str | None = None, departments=None
) -> list[Department]:
    """The departments the user may see (or `departments`, a page of
    session_list_departments), each with .sessions (newest first), its
    focus-group progress and whether the user may add sessions. Two queries."""
    if departments is None:
        departments = session_list_departments(user, department_slug=department_slug)
    departments = list(departments)
    by_id = {d.pk: d for d in departments}
    for d in departments:
        d.sessions = []
        d.can_add_sessions = roles.is_cso(user, d)
    if by_id:
        for s in sessions_visible_to(user).filter(department_id__in=by_id):
            by_id[s.department_id].sessions.append(s)
    return departments


def session_feedback(session: FocusGroupSession) -> QuerySet[FeedbackItem]:
    return session.feedback_items.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name"))
    )


def department_recent_sessions(*, department: Department, limit: int = 5) -> list:
    return list(
        FocusGroupSession.objects.filter(department=department)
        .annotate(feedback_count=Count("feedback_items"))
        .order_by("-held_on", "-pk")[:limit]
    )


# Themes ---------------------------------------------------------------------


def themes_usable_by(*, department: Department) -> QuerySet[Theme]:
    """Accepted themes, and the department's own proposals (usable at once)."""
    return Theme.objects.filter(
        Q(status=Theme.Status.ACCEPTED) | Q(status=Theme.Status.PROPOSED, proposed_for=department)
    ).order_by("name")


def themes_visible_to(user) -> QuerySet[Theme]:
    """Accepted themes for everyone; proposals and decided proposals to the
    program-wide roles and to the proposing department's people."""
    qs = Theme.objects.select_related("proposed_for", "proposed_by", "merged_into", "decided_by")
    if roles.is_program_wide(user):
        return qs
    return qs.filter(
        Q(status=Theme.Status.ACCEPTED)
        | Q(proposed_for_id__in=roles.department_ids_with_role(user))
    )


def theme_list_for_user(user) -> dict[str, list[Theme]]:
    themes = themes_visible_to(user).annotate(feedback_count=Count("feedback_items", distinct=True))
    grouped: dict[str, list[Theme]] = {s: [] for s in Theme.Status.values}
    for t in themes.order_by("name"):
        grouped[t.status].append(t)
    return grouped


# Strengths and opportunities -----------------------------------------------


@dataclass
class ThemeSummary:
    """A theme in a department's feedback: its counts and two representative
    quotes (the newest feedback of the sentiment that makes it a strength or
    an opportunity)."""

    theme: Theme
    positive: int = 0
    negative: int = 0
    suggestion: int = 0
    quotes: list[str] = field(default_factory=list)
    quote_items: list[FeedbackItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.positive + self.negative + self.suggestion


@dataclass
class StrengthsAndOpportunities:
    strengths: list[ThemeSummary]
    opportunities: list[ThemeSummary]

    def __bool__(self) -> bool:
        return bool(self.strengths or self.opportunities)


def departments_strengths_and_opportunities(
    *, departments, limit: int = 3, quotes: int = 2
) -> dict[int, StrengthsAndOpportunities]:
    """department id -> its strengths and opportunities, for many departments
    in three queries (dashboards and packets show every department).

    A strength is a theme with more positive than negative feedback, most
    positive first; an opportunity a theme with at least as much negative as
    positive feedback (and some negative), most negative first.
    """
    dept_ids = [d if isinstance(d, int) else d.pk for d in departments]
    links = ThemeLink.objects.filter(
        feedbackitem__department_id__in=dept_ids, theme__status__in=LIVE_THEME_STATUSES
    )
    counts = (
        links.order_by()
        .values("feedbackitem__department_id", "theme_id", "feedbackitem__sentiment")
        .annotate(n=Count("id"))
    )
    summaries: dict[int, dict[int, ThemeSummary]] = {d: {} for d in dept_ids}
    theme_ids = set()
    raw = []
    for row in counts:
        raw.append(row)
        theme_ids.add(row["theme_id"])
    themes = Theme.objects.in_bulk(theme_ids) if theme_ids else {}
    for row in raw:
        per_dept = summaries[row["feedbackitem__department_id"]]
        s = per_dept.get(row["theme_id"])
        if s is None:
            s = per_dept[row["theme_id"]] = ThemeSummary(themes[row["theme_id"]])
        setattr(s, row["feedbackitem__sentiment"], row["n"])

    ranked = (
        links.filter(feedbackitem__sentiment__in=[Sentiment.POSITIVE, Sentiment.NEGATIVE])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[
                    F("feedbackitem__department_id"),
                    F("theme_id"),
                    F("feedbackitem__sentiment"),
                ],
                order_by=[F("feedbackitem__created_at").desc(), F("feedbackitem_id").desc()],
            )
        )
        .filter(rank__lte=quotes)
        .select_related("feedbackitem")
        # Only what a quote shows (and is keyed by), not whole feedback rows.
        .only(
            "theme_id",
            "feedbackitem__department_id",
            "feedbackitem__sentiment",
            "feedbackitem__text",
        )
        .order_by("rank")
    )
    quote_map: dict[tuple[int, int, str], list[FeedbackItem]] = {}
    if theme_ids:
        for link in ranked:
            item = link.feedbackitem
            quote_map.setdefault((item.department_id, link.theme_id, item.sentiment), []).append(
                item
            )

    result = {}
    for dept_id, per_dept in summaries.items():
        strengths, opportunities = [], []
        for theme_id, s in per_dept.items():
            if s.positive > s.negative:
                key = (dept_id, theme_id, Sentiment.POSITIVE)
                strengths.append(s)
            elif s.negative > 0:
                key = (dept_id, theme_id, Sentiment.NEGATIVE)
                opportunities.append(s)
            else:
                continue
            s.quote_items = quote_map.get(key, [])
            s.quotes = [i.text for i in s.quote_items]
        strengths.sort(key=lambda s: (-s.positive, s.negative, s.theme.name.lower()))
        opportunities.sort(key=lambda s: (-s.negative, s.positive, s.theme.name.lower()))
        result[dept_id] = StrengthsAndOpportunities(strengths[:limit], opportunities[:limit])
    return result


def department_strengths_and_opportunities(
    *, department: Department, limit: int = 3, quotes: int = 2
) -> StrengthsAndOpportunities:
    """A department's strengths (themes most often positive) and opportunities
    (themes most often negative), each a ThemeSummary with theme, counts and
    `quotes` (two representative quotes). The plans app prefills a plan from
    it; dashboards and packets show it."""
    return departments_strengths_and_opportunities(
        departments=[department], limit=limit, quotes=quotes
    )[department.pk]


# Export ---------------------------------------------------------------------


def sessions_for_export(*, departments) -> QuerySet[FocusGroupSession]:
    return (
        FocusGroupSession.objects.filter(department__in=departments)
        .select_related("department", "facilitator")
        .prefetch_related(
            Prefetch(
                "feedback_items",
                queryset=FeedbackItem.objects.prefetch_related(
                    Prefetch("themes", queryset=Theme.objects.order_by("name"))
                ),
            )
        )
        .order_by("department__name", "held_on", "pk")
    )


def cso_choices(*, department: Department):
    from departments.models import User

    return User.objects.filter(
        assignments__department=department, assignments__role=DepartmentRole.CSO
    ).distinct()


__all__ = [
    "Audience",
    "CustomerType",
    "annotate_focus_group_progress",
    "department_strengths_and_opportunities",
    "departments_strengths_and_opportunities",
]
