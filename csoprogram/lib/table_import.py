"""Reading an uploaded table (CSV or XLSX) for an import, the same way for
every import: a size limit, UTF-8 text, no control characters, a header line
naming the columns, a row limit, and every problem named with its line.

An import checks first (nothing written, every bad line named) and then writes
all rows in one transaction or none; the app's own rules (what a metric code or
a theme is) stay in the app. Nothing here imports an app.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Wider rows are read up to this many columns (an XLSX can claim thousands).
MAX_COLUMNS = 50
# Control characters other than tab, newline and carriage return: a NUL cannot
# be stored by PostgreSQL, and none of them belongs in a spreadsheet's cells.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_REFUSAL = "The line holds a control character (such as NUL); remove it."
XLSX_MAGIC = b"PK\x03\x04"


def too_large_refusal(max_bytes: int = MAX_BYTES) -> str:
    return f"The file is larger than {max_bytes // (1024 * 1024)} MB; split it into smaller files."


def has_control_character(text: str) -> bool:
    return bool(CONTROL.search(text or ""))


@dataclass
class Table:
    """The rows of a table, each (line number, {column: cell text}), and the
    problems found reading it: (line, why), line 0 for the whole file."""

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return filename.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC)


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _csv_lines(data: bytes, table: Table) -> list[tuple[int, list[str]]] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        table.errors.append((0, "The file is not UTF-8 text; save it as CSV UTF-8."))
        return None
    return text_lines(text, table)


def text_lines(text: str, table: Table) -> list[tuple[int, list[str]]] | None:
    """Lines of text with their numbers: tab-separated when the first line
    holds a tab (rows copied from a spreadsheet), CSV otherwise."""
    text = text.lstrip("\ufeff")
    if "\t" not in text.split("\n", 1)[0]:
        return csv_text_lines(text, table)
    lines = []
    # Split on newlines only: str.splitlines() would also split on (and so
    # hide) control characters such as \x0b and \x1c.
    for number, raw in enumerate(text.split("\n"), start=1):
        row = raw.removesuffix("\r").split("\t")
        if any(c.strip() for c in row):
            lines.append((number, row))
        if len(lines) > MAX_ROWS + 1:
            break
    return lines


def csv_text_lines(text: str, table: Table) -> list[tuple[int, list[str]]] | None:
    """Lines of CSV text (also pasted rows) with their line numbers; blank lines left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                lines.append((reader.line_num, row))
            if len(lines) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        table.errors.append((reader.line_num, f"The CSV cannot be read here: {exc}."))
        return None
    return lines


def _xlsx_lines(data: bytes, table: Table) -> list[tuple[int, list[str]]] | None:
    unreadable = (0, "The file cannot be read as an XLSX workbook; save it again.")
    # A damaged or hand-made workbook makes openpyxl raise many kinds of error
    # (zip, XML parsing, missing parts, bad values): each is the person's file,
    # not a fault of the app, and is answered as such.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001
        table.errors.append(unreadable)
        return None
    lines = []
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            row = [_cell_text(v) for v in values]
            if any(c.strip() for c in row):
                lines.append((number, row))
            if len(lines) > MAX_ROWS + 1:
                break
    except Exception:  # noqa: BLE001 - as above: the file is damaged
        table.errors.append(unreadable)
        return None
    finally:
        workbook.close()
    return lines


def table_lines_read(
    lines: list[tuple[int, list[str]]] | None,
    table: Table,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    what: str = "rows",
    max_rows: int = MAX_ROWS,
) -> Table:
    """The header (first line) and the rows as dicts by column name; lines
    with too few columns or a control character are named and left out."""
    if lines is None:
        return table
    if not lines:
        table.errors.append((0, "The file is empty."))
        return table
    header_line, header = lines[0]
    header = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        table.errors.append(
            (
                header_line,
                f"The first line must name the columns {', '.join(required + optional)}; "
                f"missing: {', '.join(missing)}.",
            )
        )
        return table
    table.columns = header
    body = lines[1:]
    if len(body) > max_rows:
        table.errors.append(
            (
                0,
                f"The file has more than {max_rows:,} rows; "
                f"at most {max_rows:,} can be imported at once.",
            )
        )
        return table
    if not body:
        table.errors.append((0, f"The file has no {what}."))
        return table
    width = max(header.index(c) for c in required) + 1
    wanted = [(c, header.index(c)) for c in (*required, *optional) if c in header]
    for line, row in body:
        if len(row) < width:
            table.errors.append((line, "The line has too few columns."))
            continue
        if any(has_control_character(cell) for cell in row):
            table.errors.append((line, CONTROL_REFUSAL))
            continue
        table.rows.append((line, {c: (row[i] if i < len(row) else "") for c, i in wanted}))
    return table


def table_read(
    data: bytes,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    filename: str = "",
    what: str = "rows",
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read an uploaded CSV (UTF-8) or XLSX file into a Table."""
    table = Table()
    if len(data) > max_bytes:
        table.errors.append((0, too_large_refusal(max_bytes)))
        return table
    lines = _xlsx_lines(data, table) if is_xlsx(data, filename) else _csv_lines(data, table)
    return table_lines_read(
        lines, table, required=required, optional=optional, what=what, max_rows=max_rows
    )


def table_text_read(
    text: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    what: str = "rows",
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read pasted rows: CSV, or tab-separated as copied from a spreadsheet."""
    table = Table()
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        table.errors.append((0, too_large_refusal(max_bytes)))
        return table
    lines = text_lines(text, table)
    return table_lines_read(
        lines, table, required=required, optional=optional, what=what, max_rows=max_rows
    )
