"""CSV that spreadsheets open safely: cells shown as text, never run as
formulas, and responses streamed row by row in constant memory."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula by spreadsheets
# (OWASP "CSV injection"); tab and carriage return too, as some applications
# strip them and then see the formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text a spreadsheet shows as text: a leading apostrophe
    before anything that would start a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class SafeWriter:
    """Wraps a csv.writer; every cell passes through safe_cell."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(v) for v in row])


class _Echo:
    """A file-like object whose write() hands the line back (for streaming)."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text line by line, every cell spreadsheet-safe; the byte-order
    mark first makes spreadsheets read it as UTF-8."""
    writer = SafeWriter(csv.writer(_Echo()))
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def csv_response(filename: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A CSV download streamed row by row (csv_lines)."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
