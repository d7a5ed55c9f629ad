"""Reading and writing spreadsheets: CSV (UTF-8, with or without BOM; comma, semicolon or tab)
and Excel workbooks (.xlsx). Plain functions over bytes; no database, no web framework."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.imports import messages as m
from app.imports.messages import Issue
from app.text import fold

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
# Excel keeps formatted but empty rows in a sheet; a long run of them is the end of the data,
# not a reason to walk a million rows.
MAX_BLANK_RUN = 2000
# A workbook is a zip: a small upload can unpack to gigabytes ("zip bomb"). Every entry's
# unpacked size is read from the zip directory before anything is parsed (zipfile never
# unpacks past the size it declares), and a sheet may not declare or hold more rows than a
# participant list can need, blank ones included.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_SHEET_ROWS = 20_000
# openpyxl walks a whole sheet that does not declare its size (<dimension>) just to size it;
# every spreadsheet program declares it, so only a small sheet may go without.
MAX_UNSIZED_SHEET_BYTES = 1024 * 1024
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
SHEET_NAMES = ("participants", "nguoi tham du")
# Spreadsheet programs run a cell that starts with one of these as a formula ("CSV
# injection"): exports write a leading apostrophe, imports remove it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(Exception):
    """The file as a whole cannot be imported; nothing in it was looked at row by row."""

    def __init__(self, issue: Issue, status: int = 422) -> None:
        super().__init__(issue.message)
        self.issue = issue
        self.status = status


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    sheet: str | None = None


def _problem(msgid: str, **params: Any) -> FileProblem:
    return FileProblem(Issue(msgid, params, field="file"))


def clean_cell(value: Any) -> str:
    """The text of a cell as a person reads it: numbers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def looks_like_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read_table(data: bytes, filename: str) -> Table:
    """The header row and the data rows of an uploaded file, or a FileProblem."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            Issue(m.FILE_TOO_LARGE, {"limit": MAX_BYTES // (1024 * 1024)}, field="file"), 413
        )
    if not data.strip():
        raise _problem(m.FILE_EMPTY)
    name = filename.lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise _problem(m.FILE_OLD_EXCEL)
    if looks_like_xlsx(data) or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if name.endswith((".ods", ".numbers", ".pdf", ".doc", ".docx")):
        raise _problem(m.FILE_UNKNOWN_TYPE)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" is UTF-16 with a BOM; it reads unambiguously.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _problem(m.FILE_UNKNOWN_TYPE) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Guessing a legacy code page (cp1258, TCVN3) would turn Vietnamese names into
        # plausible-looking garbage that then gets imported: refuse and say where.
        raise _problem(
            m.FILE_NOT_UTF8,
            byte=f"{data[exc.start]:02X}",
            offset=exc.start,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc


def detect_delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of ',', ';' and tab (outside
    quotes). A header names columns, so it rarely holds a separator of its own."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise _problem(m.FILE_UNKNOWN_TYPE)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        return _collect(([clean_cell(c) for c in row[:MAX_COLUMNS]] for row in reader), None)
    except csv.Error as exc:
        raise _problem(m.FILE_UNKNOWN_TYPE) from exc


def check_xlsx_size(data: bytes) -> None:
    """Refuse a workbook that unpacks to more than MAX_UNPACKED_BYTES or whose sheets declare
    more than MAX_SHEET_ROWS rows, before openpyxl reads any of it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise FileProblem(
                    Issue(
                        m.FILE_UNPACKS_TOO_LARGE,
                        {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)},
                        field="file",
                    ),
                    413,
                )
            for entry in entries:
                if not entry.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(entry) as sheet:
                    head = sheet.read(4096)
                found = DIMENSION.search(head)
                if found and int(found.group(1)) > MAX_SHEET_ROWS:
                    raise _problem(m.FILE_TOO_MANY_ROWS, limit=MAX_ROWS)
                if not found and entry.file_size > MAX_UNSIZED_SHEET_BYTES:
                    raise _problem(m.FILE_BAD_XLSX)
    except FileProblem:
        raise
    except Exception as exc:  # BadZipFile, a damaged entry, an unsupported compression…
        raise _problem(m.FILE_BAD_XLSX) from exc


def _read_xlsx(data: bytes) -> Table:
    check_xlsx_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError…) on damage
        raise _problem(m.FILE_BAD_XLSX) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _problem(m.FILE_NO_HEADER)
        sheet = next((s for s in sheets if fold(s.title) in SHEET_NAMES), sheets[0])
        rows = (
            [clean_cell(v) for v in values]
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        )
        return _collect(rows, sheet.title)
    except FileProblem:
        raise
    except Exception as exc:  # a sheet that breaks while streaming is a damaged file too
        raise _problem(m.FILE_BAD_XLSX) from exc
    finally:
        workbook.close()


def _collect(rows: Iterator[list[str]], sheet: str | None) -> Table:
    table: Table | None = None
    blank_run = 0
    for number, cells in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise _problem(m.FILE_TOO_MANY_ROWS, limit=MAX_ROWS)
        while cells and not cells[-1]:
            cells.pop()  # trailing empty cells: a sheet read to its widest column
        if not cells:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break  # the end of the data, or (before any header) a sheet with none
            continue
        blank_run = 0
        if table is None:
            table = Table(headers=cells, sheet=sheet)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise _problem(m.FILE_TOO_MANY_ROWS, limit=MAX_ROWS)
        table.rows.append((number, cells))
    if table is None:
        raise _problem(m.FILE_NO_HEADER)
    return table


# ---- writing ------------------------------------------------------------------------------


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (so that Excel shows Vietnamese and Chinese correctly), comma
    separated, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


HEADER_FILL = PatternFill("solid", fgColor="E8F3EE")


def _sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    widths = [min(max(len(h), 8), 30) for h in headers]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        cells = []
        for position, value in enumerate(values):
            cell = Cell(sheet, value=value)
            if isinstance(value, str):
                # A string is data, never a formula, whatever it starts with.
                cell.data_type = "s"
            cells.append(cell)
            if position < len(widths) and value is not None:
                longest = max((len(line) for line in str(value).splitlines()), default=0)
                widths[position] = max(widths[position], min(longest + 2, 50))
        sheet.append(cells)
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 1)}"


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows): bold frozen header row,
    auto-filter and column widths that fit the content."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for title, headers, rows in sheets:
        _sheet(workbook, title, headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
