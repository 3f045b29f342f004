"""The focus group session page's history: the session and its feedback,
who changed them and when (django-simple-history, focusgroups.history)."""

from csoprogram.lib.timeline import TimelineEntry, newest_first, timeline_from_history

from .models import FeedbackItem, FocusGroupSession


def _shown(record, name: str) -> str:
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display is not None else getattr(record, name)
    if value in (None, ""):
        return "—"
    return {True: "yes", False: "no"}.get(value, str(value))


def session_timeline(session: FocusGroupSession, *, limit: int | None = 30) -> list[TimelineEntry]:
    """Newest first, in two queries."""
    return newest_first(
        timeline_from_history(
            FocusGroupSession.history.filter(id=session.pk).select_related("history_user"),
            fields={
                "held_on": "Date",
                "audience": "Audience",
                "status": "Status",
                "participants": "Number of participants",
                "location": "Location",
                "notes": "Notes",
            },
            subject=lambda r: "Focus group session",
            shown=_shown,
        ),
        timeline_from_history(
            FeedbackItem.history.filter(session_id=session.pk).select_related("history_user"),
            fields={
                "text": "Feedback",
                "sentiment": "Sentiment",
                "possible_solution": "Possible solution",
                "customer_type": "From",
                "shared_with_csos": "Shared with other CSOs",
            },
            subject=lambda r: f"Feedback “{r.text[:50]}”",
            shown=_shown,
        ),
        limit=limit,
    )
