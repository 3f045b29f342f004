"""Timelines from django-simple-history records: who changed a record, when,
and what (field by field, before → after). Each app says which fields of its
records are shown and how; the shared template is components/timeline.html."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: object
    what: str
    details: list = field(default_factory=list)  # (label, before, after)
    version: int | None = None
    history_id: int | None = None


def _plain(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return "—"
    return str(value)


def timeline_from_history(
    records: Iterable,
    *,
    fields: dict[str, str],
    subject: Callable[[object], str],
    shown: Callable[[object, str], str] | None = None,
) -> list[TimelineEntry]:
    """Entries for history records of one model (any number of its objects),
    oldest first by object: "Added", "Changed" with each field before → after,
    or "Deleted". `fields`: field name -> label; `subject(record)`: what the
    entry is about ("Value for FY2027 Q1"); `shown(record, name)`: the value
    as words (the field's value by default)."""
    show = shown or (lambda r, name: _plain(getattr(r, name)))
    last: dict[int, object] = {}
    entries = []
    for r in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = last.get(r.id)
        last[r.id] = r
        details = []
        if r.history_type == "+":
            what = "added"
        elif r.history_type == "-":
            what = "deleted"
        else:
            if before is not None:
                details = [
                    (label, show(before, name), show(r, name))
                    for name, label in fields.items()
                    if getattr(before, name) != getattr(r, name)
                ]
            if before is not None and not details and not r.history_change_reason:
                continue  # a save that changed nothing shown here
            what = "changed"
        reason = f": {r.history_change_reason}" if r.history_change_reason else ""
        entries.append(
            TimelineEntry(
                r.history_date,
                r.history_user,
                f"{subject(r)} {what}{reason}",
                details,
                history_id=r.history_id,
            )
        )
    return entries


def newest_first(*groups: list[TimelineEntry], limit: int | None = None) -> list[TimelineEntry]:
    entries = sorted(
        (e for g in groups for e in g), key=lambda e: (e.when, e.history_id or 0), reverse=True
    )
    return entries[:limit] if limit else entries


@contextmanager
def history_user(user):
    """Changes saved inside are recorded as made by `user`. A page request
    says who (simple_history's middleware); a service called from the API
    (token sign-in), a task or a test has no such request, so it says so here."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    context = HistoricalRecords.context
    before = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if before is None:
            del context.request
        else:
            context.request = before


def records_history_by_user(service):
    """A service whose keyword `user` made the changes its saves record."""

    @wraps(service)
    def wrapped(*args, **kwargs):
        with history_user(kwargs.get("user")):
            return service(*args, **kwargs)

    return wrapped
