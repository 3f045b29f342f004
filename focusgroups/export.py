"""CSV export of sessions and feedback, safe to open in a spreadsheet; and the
focus-group tables of a department's exports (EXPORTS)."""

from collections.abc import Iterable

from django.db.models import Prefetch

from csoprogram.lib.exports import CHUNK, Column, ExportTable, model_columns

from .models import FeedbackItem, FocusGroupSession, Theme

HEADER = [
    "Department",
    "Session date",
    "Audience",
    "Session status",
    "Number of participants",
    "Location",
    "Facilitator",
    "Feedback",
    "Sentiment",
    "From",
    "Themes",
    "Possible solution",
    "Shared with other CSOs",
    "Recorded at",
]


def export_rows(sessions) -> Iterable[list]:
    """One row per feedback item; a session without feedback has one row."""
    yield HEADER
    for s in sessions:
        base = [
            s.department.name,
            s.held_on.isoformat(),
            s.get_audience_display(),
            s.get_status_display(),
            s.participants,
            s.location,
            (s.facilitator.get_full_name() or s.facilitator.username) if s.facilitator else "",
        ]
        items = list(s.feedback_items.all())
        if not items:
            yield base + [""] * (len(HEADER) - len(base))
            continue
        for item in items:
            yield base + [
                item.text,
                item.get_sentiment_display(),
                item.get_customer_type_display(),
                "; ".join(t.name for t in item.themes.all()),
                item.possible_solution,
                "yes" if item.shared_with_csos else "no",
                item.created_at.isoformat(timespec="minutes"),
            ]


# The department's exports (csoprogram/exports lists every app's) -----------

SESSION_COLUMNS = model_columns(FocusGroupSession)
FEEDBACK_COLUMNS = [
    Column("id", "id"),
    Column("session_id", "session_id"),
    Column("session_date", "session__held_on"),
    Column("department", "department__name"),
    Column("text", "text"),
    Column("sentiment", "sentiment"),
    Column("customer_type", "customer_type"),
    Column("themes", ""),
    Column("possible_solution", "possible_solution"),
    Column("shared_with_csos", "shared_with_csos"),
    Column("created_by", "created_by__username"),
    Column("created_at", "created_at"),
    Column("updated_at", "updated_at"),
]


def _sessions(department, user):
    return FocusGroupSession.objects.filter(department=department).order_by("held_on", "pk")


def _feedback(department, user):
    return (
        FeedbackItem.objects.filter(department=department)
        .select_related("session", "department", "created_by")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
        .order_by("session__held_on", "created_at", "pk")
    )


def _feedback_rows(qs) -> Iterable[list]:
    # The themes are prefetched a chunk at a time: constant memory, and two
    # queries per chunk of rows whatever the number of departments.
    for item in qs.iterator(chunk_size=CHUNK):
        yield [
            item.pk,
            item.session_id,
            item.session.held_on,
            item.department.name,
            item.text,
            item.sentiment,
            item.customer_type,
            "; ".join(t.name for t in item.themes.all()),
            item.possible_solution,
            item.shared_with_csos,
            item.created_by.username if item.created_by else "",
            item.created_at,
            item.updated_at,
        ]


EXPORTS = [
    ExportTable(
        "focus-group-sessions",
        "Focus group sessions",
        "Each session: date, audience, status, participants, location, facilitator, notes.",
        _sessions,
        SESSION_COLUMNS,
    ),
    ExportTable(
        "feedback",
        "Feedback",
        "Each feedback item with its sentiment, themes, possible solution and whether "
        "it is shared with other CSOs.",
        _feedback,
        FEEDBACK_COLUMNS,
        rows=_feedback_rows,
    ),
]
