"""Exports of what a department owns, as CSV and JSON, streamed.

Each app describes its own tables (`<app>/exports.py`: a list of ExportTable);
the department's exports page and archive (csoprogram/exports) list them all.
A table reads its rows with one query over `.iterator()`, so a download runs
in constant memory and in a number of queries that does not grow with the
data or the departments. CSV cells are spreadsheet-safe (spreadsheet.py);
JSON keeps values as they are (decimals as strings, to keep their digits).
"""

from __future__ import annotations

import datetime
import decimal
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse

from .spreadsheet import csv_lines, csv_response

FORMATS = ("csv", "json")
CHUNK = 500


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header and the JSON key
    lookup: str  # the values_list() lookup (a field, a related field or an annotation)


def model_columns(model: type[Model], *, exclude: Iterable[str] = ()) -> list[Column]:
    """A column per concrete field, read generically: a person is named by
    their user name, another record by its name or title when it has one,
    else by its id. A model that gains or changes a field exports it as is."""
    user_model = get_user_model()
    skip = set(exclude)
    columns = []
    for f in model._meta.concrete_fields:
        if f.name in skip:
            continue
        if not f.is_relation:
            columns.append(Column(f.name, f.name))
            continue
        target = f.related_model
        names = {g.name for g in target._meta.concrete_fields}
        if target is user_model:
            columns.append(Column(f.name, f"{f.name}__{user_model.USERNAME_FIELD}"))
        elif "name" in names:
            columns.append(Column(f.name, f"{f.name}__name"))
        elif "title" in names:
            columns.append(Column(f.name, f"{f.name}__title"))
        else:
            columns.append(Column(f"{f.name}_id", f.attname))
    return columns


@dataclass(frozen=True)
class ExportTable:
    """One downloadable table of a department's records.

    rows(department, user) gives the queryset, already scoped to the
    department and to what the user may read (the MDO never gets drafts).
    """

    key: str
    title: str
    description: str
    queryset: Callable[..., QuerySet]
    columns: list[Column] = field(default_factory=list)
    # For a row that needs more than values_list (many-to-many names): a
    # function of the queryset giving rows in the order of `columns`.
    rows: Callable[[QuerySet], Iterable[Iterable]] | None = None

    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def iter_rows(self, department, user) -> Iterator[tuple]:
        qs = self.queryset(department, user)
        if self.rows is not None:
            yield from self.rows(qs)
            return
        yield from qs.values_list(*[c.lookup for c in self.columns]).iterator(chunk_size=CHUNK)

    def filename(self, department, fmt: str, stamp: str) -> str:
        return f"{department.slug}-{self.key}-{stamp}.{fmt}"


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def json_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """A JSON array of objects, one object per row, produced piece by piece."""
    yield "["
    first = True
    for row in rows:
        obj = {k: _json_value(v) for k, v in zip(header, row, strict=True)}
        yield ("\n" if first else ",\n") + json.dumps(obj, ensure_ascii=False)
        first = False
    yield "\n]\n"


def json_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    response = StreamingHttpResponse(
        json_lines(header, rows), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_rows(table: ExportTable, rows: Iterable[Iterable]) -> Iterator[list]:
    """The header, then each row with dates and times in ISO 8601."""
    yield table.header()
    for row in rows:
        yield [v.isoformat() if isinstance(v, datetime.date | datetime.time) else v for v in row]


def table_pieces(table: ExportTable, department, user, fmt: str) -> Iterator[str]:
    """The table's file content in pieces (for the archive)."""
    rows = table.iter_rows(department, user)
    if fmt == "csv":
        return csv_lines(_csv_rows(table, rows))
    return json_lines(table.header(), rows)


def table_response(table: ExportTable, department, user, fmt: str, stamp: str):
    """The table as a streamed CSV (header first, cells spreadsheet-safe) or JSON download."""
    filename = table.filename(department, fmt, stamp)
    rows = table.iter_rows(department, user)
    if fmt == "csv":
        response = csv_response(filename, _csv_rows(table, rows))
    else:
        response = json_response(filename, table.header(), rows)
    response["Cache-Control"] = "private, no-store"
    return response


class _ZipSink:
    """A write-only file for zipfile whose bytes are collected and handed on
    as they come (zipfile writes data descriptors when it cannot seek)."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        return data


def zip_stream(entries: Iterable[tuple[str, Iterable[bytes | str]]]) -> Iterator[bytes]:
    """A zip file produced entry by entry: each entry is a name and its
    content in pieces; the bytes are yielded as they are compressed."""
    sink = _ZipSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in entries:
            with archive.open(name, mode="w", force_zip64=True) as member:
                for piece in pieces:
                    member.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
                    if sink.size >= 64 * 1024:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
