"""Bulk feedback import for a focus group session: rows pasted or a CSV/XLSX
file with the columns feedback, sentiment, audience, themes, possible
solution, shared. The check writes nothing and names every bad line; the
import writes every item in one transaction or none. Theme names not in the
list are proposed (usable in the department at once, as a CSO's proposal).

Reading the table (size, encoding, control characters, line numbers) is
csoprogram.lib.table_import, the same as for metric values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from csoprogram.lib import table_import

from . import services
from .models import Audience, CustomerType, FocusGroupSession, Sentiment, Theme
from .selectors import themes_usable_by

MAX_ROWS = 1000
MAX_TEXT = 2000
MAX_THEME_NAME = 80
REQUIRED = ("feedback", "sentiment")
OPTIONAL = ("audience", "themes", "possible solution", "shared")
THEME_SEPARATORS = re.compile(r"[;,|]")
_YES = {"yes", "y", "true", "1", "shared", "x"}
_NO = {"", "no", "n", "false", "0"}


@dataclass
class FeedbackRow:
    line: int
    text: str
    sentiment: str
    customer_type: str
    themes: list[Theme]
    new_themes: list[str]
    possible_solution: str
    shared: bool

    def get_sentiment_display(self) -> str:
        return Sentiment(self.sentiment).label

    def get_customer_type_display(self) -> str:
        return CustomerType(self.customer_type).label

    @property
    def theme_names(self) -> list[str]:
        return [t.name for t in self.themes] + self.new_themes


@dataclass
class FeedbackImportResult:
    rows: list[FeedbackRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Theme names not in the list, as first written: proposed on import.
    new_themes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _choice(text: str, choices) -> str | None:
    """A value or its label, in any case ("negative", "Negative", "External customers")."""
    wanted = " ".join(text.split()).lower()
    for value, label in choices:
        if wanted in (value.lower(), label.lower(), label.lower().rstrip("s")):
            return value
    return None


def _theme_lookup(department) -> tuple[dict[str, Theme], dict[str, Theme]]:
    """Usable themes by lower-case name, and every other theme by name (one query each)."""
    usable = {t.name.lower(): t for t in themes_usable_by(department=department)}
    others = {
        t.lname: t
        for t in Theme.objects.annotate(lname=Lower("name"))
        .exclude(pk__in=[t.pk for t in usable.values()])
        .select_related("merged_into")
    }
    return usable, others


def feedback_import_check(
    *, session: FocusGroupSession, data: bytes, filename: str = ""
) -> FeedbackImportResult:
    """Read the rows and say, line by line, what is wrong. Nothing is written."""
    result = FeedbackImportResult()
    table = table_import.table_read(
        data,
        required=REQUIRED,
        optional=OPTIONAL,
        filename=filename,
        what="feedback",
        max_rows=MAX_ROWS,
    )
    result.errors.extend(table.errors)
    if not table.rows:
        result.errors.sort()
        return result
    default_from = services.default_customer_type(session)
    usable, others = _theme_lookup(session.department)
    new: dict[str, str] = {}  # lower-case name -> the name as first written
    for line, row in table.rows:
        errors = []
        text = row["feedback"].strip()
        if not text:
            errors.append("Write what the customer said in the feedback column.")
        elif len(text) > MAX_TEXT:
            errors.append(f"The feedback is longer than {MAX_TEXT:,} characters.")
        sentiment = _choice(row["sentiment"], Sentiment.choices)
        if sentiment is None:
            errors.append(
                f"Sentiment “{row['sentiment'].strip()}” is not one of positive, negative, "
                "suggestion."
            )
        audience_text = row.get("audience", "").strip()
        if audience_text:
            customer_type = _choice(audience_text, [*CustomerType.choices, *Audience.choices[:2]])
            if customer_type is None:
                errors.append(f"Audience “{audience_text}” is not internal or external.")
        else:
            customer_type = default_from
            if customer_type is None:
                errors.append(
                    "The session heard internal and external customers: "
                    "say internal or external in the audience column."
                )
        solution = row.get("possible solution", "").strip()
        if len(solution) > MAX_TEXT:
            errors.append(f"The possible solution is longer than {MAX_TEXT:,} characters.")
        shared_text = row.get("shared", "").strip().lower()
        if shared_text not in _YES | _NO:
            errors.append(f"Shared “{row['shared'].strip()}” is not yes or no.")
        themes: list[Theme] = []
        new_names: list[str] = []
        for raw in THEME_SEPARATORS.split(row.get("themes", "")):
            name = " ".join(raw.split())
            if not name:
                continue
            key = name.lower()
            theme = usable.get(key)
            other = others.get(key)
            if theme is None and other is not None and other.status == Theme.Status.MERGED:
                # A merged theme's name still finds the theme it was merged into.
                merged = other.merged_into
                theme = usable.get(merged.name.lower()) if merged else None
            if theme is not None:
                if theme not in themes:
                    themes.append(theme)
            elif other is not None:
                why = {
                    Theme.Status.REJECTED: "it was rejected",
                    Theme.Status.MERGED: "it was merged into another theme",
                }.get(other.status, "it is waiting for a decision")
                errors.append(f"Theme “{name}” cannot be used ({why}); choose another theme.")
            elif len(name) > MAX_THEME_NAME:
                errors.append(f"Theme “{name[:40]}…” is longer than {MAX_THEME_NAME} characters.")
            else:
                name = new.setdefault(key, name)
                if name not in new_names:
                    new_names.append(name)
        if errors:
            result.errors.append((line, " ".join(errors)))
            continue
        result.rows.append(
            FeedbackRow(
                line=line,
                text=text,
                sentiment=sentiment,
                customer_type=customer_type,
                themes=themes,
                new_themes=new_names,
                possible_solution=solution,
                shared=shared_text in _YES,
            )
        )
    if session.status != FocusGroupSession.Status.HELD:
        result.errors.append((0, "Feedback is recorded on a session that was held."))
    if result.errors:
        # The new themes are only proposed by an import that goes through.
        result.rows, new = [], {}
    result.new_themes = list(new.values())
    result.errors.sort()
    return result


def feedback_import(
    *, session: FocusGroupSession, created_by, data: bytes, filename: str = ""
) -> FeedbackImportResult:
    """Import all rows or none: the new themes are proposed for the session's
    department, then the items are recorded together (feedback_create_many)."""
    result = feedback_import_check(session=session, data=data, filename=filename)
    if not result.ok:
        return result
    with transaction.atomic():
        proposed = {
            name.lower(): services.theme_propose(
                department=session.department, proposed_by=created_by, name=name
            )
            for name in result.new_themes
        }
        services.feedback_create_many(
            session=session,
            created_by=created_by,
            items=[
                {
                    "text": row.text,
                    "sentiment": row.sentiment,
                    "customer_type": row.customer_type,
                    "themes": [*row.themes, *(proposed[n.lower()] for n in row.new_themes)],
                    "possible_solution": row.possible_solution,
                    "shared_with_csos": row.shared,
                }
                for row in result.rows
            ],
        )
    return result
