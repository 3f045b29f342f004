"""Who changed focus-group records, when, and what: django-simple-history on
sessions, feedback (with its themes) and the program's themes. The session
page's timeline and the CCSO's audit page read these records."""

from simple_history import register


def register_history() -> None:
    from focusgroups.models import FeedbackItem, FocusGroupSession, Theme

    register(Theme)
    register(FocusGroupSession)
    register(FeedbackItem, m2m_fields=["themes"])
