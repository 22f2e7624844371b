"""Read one data file (CSV or XLSX) into a table of text cells with spreadsheet row numbers.

The first loading stage, before any meaning is given to a cell: what the
later stages see is exactly what the user sees when they open the file, so a
problem can be reported as "row 7, column value" and found at once.

- CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
  mark (Excel's "Unicode text"), otherwise Windows-1252 (Excel's "CSV" on a
  UK Windows machine). Anything else is reported, never guessed at.
- XLSX: the first sheet that has a header row; numbers keep the digits Excel
  shows (``95.5``, not ``95.499999``); a cell formatted as a percentage
  (stored as 0.27) is read as the 27 it shows; a date cell is read as the
  month it shows (``Mar-21`` -> ``2021-03``) or, when its format shows the
  day, as that day.
- Title rows above the header are skipped: the header is the first row (of
  the first 30) holding two or more names of one of the header sets asked for.

Row numbers are the spreadsheet's: the CSV header is row 1 unless title rows
sit above it; an XLSX row is its sheet row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.errors import DataError, Problem

ROW = "__row__"
"""Column holding each data row's spreadsheet row number."""

HEADER_SEARCH_ROWS = 30

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Table:
    """One file's data rows as text; ``frame`` has one ``str`` column per header cell, plus ``ROW``."""

    file: str
    frame: pd.DataFrame
    header_row: int

    def column(self, name: str) -> str | None:
        """The file's own spelling of a column, matched ignoring case and surrounding spaces."""
        wanted = name.strip().lower()
        for column in self.frame.columns:
            if str(column).strip().lower() == wanted:
                return str(column)
        return None


def read_table(path: Path, header_sets: Sequence[Iterable[str]]) -> Table:
    """Read ``path``; raise ``DataError`` naming the file when it cannot be read as a table.

    ``header_sets`` are the alternative sets of column names that make a row
    the header (any one set suffices); the first is quoted in messages.
    """
    name = str(path)
    wanted = [frozenset(h.lower() for h in names) for names in header_sets]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _error(name, "file not found") from None
    except IsADirectoryError:
        raise _error(name, "is a folder, expected a CSV or XLSX file") from None
    except OSError as exc:
        raise _error(name, f"cannot be read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise _error(name, "file is empty")
    if raw.startswith(_XLS_MAGIC):
        raise _error(name, "is an old Excel .xls workbook; save it as .xlsx or CSV")
    if raw.startswith(_XLSX_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_xlsx(name, raw, wanted, header_sets[0])
    else:
        table = _read_csv(name, raw, wanted, header_sets[0])
    if table.frame.empty:
        raise _error(name, f"has a header (row {table.header_row}) but no data rows")
    return table


def _error(file: str, message: str, location: str = "") -> DataError:
    return DataError([Problem(file, location, message)])


def _is_header(cells: Sequence[object], wanted: list[frozenset[str]]) -> bool:
    # Two of the names are enough to recognise the header, so a file missing
    # one column is reported as exactly that, not as having no header at all.
    names = {str(c).strip().lower() for c in cells if c is not None}
    return any(len(w & names) >= min(2, len(w)) for w in wanted)


def _no_header(file: str, first: Iterable[str]) -> DataError:
    listing = ", ".join(first)
    return _error(file, f"no header row with the columns {listing} in the first {HEADER_SEARCH_ROWS} rows "
                  "(rule: required columns)")


# --- CSV ---------------------------------------------------------------------

def _decode(file: str, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _error(file, "starts like UTF-16 text but cannot be decoded as it") from None
    if b"\x00" in raw[:4096]:
        raise _error(file, "is not a text file (it holds binary data); expected CSV or XLSX")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _error(file, f"is neither UTF-8 nor Windows-1252 text (byte 0x{raw[exc.start]:02x} at "
                     f"position {exc.start}); save it as CSV UTF-8") from None


def _read_csv(file: str, raw: bytes, wanted: list[frozenset[str]], first: Iterable[str]) -> Table:
    text = _decode(file, raw)
    reader = csv.reader(io.StringIO(text))
    lines_before = 0
    records_before = 0
    for cells in reader:
        if _is_header(cells, wanted):
            break
        lines_before = reader.line_num
        records_before += 1
        if records_before >= HEADER_SEARCH_ROWS:
            raise _no_header(file, first)
    else:
        raise _no_header(file, first)
    try:
        frame = pd.read_csv(io.StringIO(text), skiprows=lines_before, header=0, dtype=object,
                            keep_default_na=False, na_filter=False, skip_blank_lines=False,
                            engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise _error(file, f"is not a well-formed CSV file: {exc}".strip()) from None
    if len(frame.columns) and frame[frame.columns[-1]].isna().any():  # short rows leave the last cells empty
        frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    header_row = records_before + 1
    frame[ROW] = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))
    return Table(file, _drop_blank_rows(frame), header_row)


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with nothing in them (a spreadsheet's empty lines), keeping the others' row numbers."""
    cells = [c for c in frame.columns if c != ROW]
    if not cells:
        return frame
    blank = each_unique(frame[cells[0]], lambda v: not str(v).strip(), bool)
    for column in cells[1:]:
        if not blank.any():
            return frame
        candidates = np.flatnonzero(blank)
        blank[candidates] = each_unique(frame[column].to_numpy()[candidates], lambda v: not str(v).strip(), bool)
    return frame.loc[~blank].reset_index(drop=True) if blank.any() else frame


def each_unique(values: Any, fn: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
    """``fn`` of each value, computed once per distinct value.

    Data columns repeat themselves (40 measures, 120 periods, a few hundred
    areas in 720,000 rows), so this is how the loaders stay vectorised:
    hashing is done by pandas, Python runs once per distinct text.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=dtype)
    for i, value in enumerate(uniques):
        mapped[i] = fn(value)
    return mapped[codes]


# --- XLSX --------------------------------------------------------------------

def _read_xlsx(file: str, raw: bytes, wanted: list[frozenset[str]], first: Iterable[str]) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _error(file, f"cannot be opened as an XLSX workbook: {exc}") from None
    try:
        for sheet in book.worksheets:
            table = _read_sheet(file, sheet, wanted)
            if table is not None:
                return table
    finally:
        book.close()
    raise _no_header(file, first)


def _read_sheet(file: str, sheet: object, wanted: list[frozenset[str]]) -> Table | None:
    # min_row=1: a read-only sheet otherwise starts at its first non-empty row,
    # and the row numbers we report must be the sheet's own.
    rows = sheet.iter_rows(min_row=1)  # type: ignore[attr-defined]
    header: list[str] | None = None
    header_row = 0
    for counted, cells in enumerate(rows, start=1):
        number = _row_number(cells, counted)
        if number > HEADER_SEARCH_ROWS:
            return None
        values = [c.value for c in cells]
        if _is_header(values, wanted):
            header = ["" if v is None else str(v).strip() for v in values]
            header_row = number
            break
    if header is None:
        return None
    width = len(header)
    data: list[list[str]] = []
    numbers: list[int] = []
    for counted, cells in enumerate(rows, start=header_row + 1):
        texts = [_cell_text(c) for c in cells[:width]]
        if not any(t.strip() for t in texts):
            continue
        number = _row_number(cells, counted)
        texts += [""] * (width - len(texts))
        data.append(texts)
        numbers.append(number)
    columns = _unique_names(header)
    frame = pd.DataFrame(data, columns=columns, dtype=object) if data else pd.DataFrame(columns=columns, dtype=object)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    return Table(file, frame, header_row)


def _row_number(cells: Sequence[object], counted: int) -> int:
    """The sheet row of ``cells``: from the cells themselves where they know it."""
    for cell in cells:
        row = getattr(cell, "row", None)
        if isinstance(row, int):
            return row
    return counted


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _cell_text(cell: object) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, datetime | date):
        shows_day = "d" in fmt.lower() or fmt.lower() == "general"
        return f"{value:%Y-%m-%d}" if shows_day else f"{value:%Y-%m}"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in fmt:
            number *= 100
        return _plain(number)
    return str(value)


def _plain(number: Decimal) -> str:
    """``Decimal`` as plain digits: no exponent, no trailing ``.0``."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
