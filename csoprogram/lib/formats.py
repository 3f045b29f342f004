"""How dates and times read on screen, in one place.

Django's "a" format already ends in a full stop ("7:41 a.m."), so a sentence
that ends on a time must not add another one: `sentence()` adds the stop
only when the text has none.
"""

import datetime

from django.utils import formats, timezone

WHEN = "M j, Y, g:i a"  # Dec 7, 2026, 7:41 a.m.
WHEN_SHORT = "M j, g:i a"  # Dec 7, 7:41 a.m. (this year, in a list)
TIME = "g:i a"  # 7:41 a.m.


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def when(value: datetime.datetime | None, style: str = "") -> str:
    """A moment as people read it: "Dec 7, 2026, 7:41 a.m." ("" for None).

    style "short" leaves the year out, "time" keeps the time of day only.
    """
    if value is None:
        return ""
    fmt = {"short": WHEN_SHORT, "time": TIME}.get(style, WHEN)
    return formats.date_format(_local(value), fmt)


def sentence(text: str) -> str:
    """End text with one full stop, whether or not it ends on "a.m."."""
    text = str(text).rstrip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."
