"""CSV export of sessions and feedback, safe to open in a spreadsheet."""

from collections.abc import Iterable

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
