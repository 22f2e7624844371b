"""Check data rows against a data contract, collecting every problem in one pass.

The stage between reading files and handing series to the facts layer. Each
rule is a vectorised mask over all rows of all files at once (a 720,000-row
file is checked in well under a second), and every failing cell becomes a
``Problem`` naming the file, the spreadsheet row, the column, the value and
the rule, so one rerun fixes them all.

Why not pandera: its lazy mode does collect every failure, but its failure
cases carry a DataFrame index and a check name, and we need the spreadsheet
row, the file's own column name, a sentence and a per-row rule (a percentage
range for percent measures, non-negative for counts) that pandera would
express as a custom check over the same masks. Plain masks are shorter and
keep the messages in one place.

Rules (the name in brackets ends each message):

- [required] a measure (tidy files) and an area name (EES rows) are not blank;
- [known measure] the measure id is in the contract (the message lists them);
- [period] the period is one of the forms ``reportgen.data.periods`` reads;
- [numeric] values, numerators and denominators are numbers (``"1,572"``
  is fine, ``1,57`` is not) or a suppression symbol (``c z k x u low ..`` or
  blank; see ``reportgen.data.suppression``);
- [not negative] counts, rates, numerators and denominators;
- [whole number] the value of a count measure (``249.5`` children), and the
  numerator and denominator of a percentage: statements print counts whole,
  so 249.5 would be published as 250 (reading numbers, thousands separators
  among them: ``reportgen.data.numbers``);
- [percentage 0 to 100] and [numerator not above denominator] for percent measures;
- [percentage agrees with its numerator and denominator], to the places the
  percentage is written to: an error in a council's own file; in an EES
  file a warning, since the DfE's published figure stands (its national and
  regional counts are rounded to the nearest 10, and a percentage can leave
  out councils that did not report);
- [one value per measure, area and period] across all files;
- [one kind of period per series] months and financial years do not mix.

The agreement of a percentage with its counts lives in
``reportgen.data.percent_rules``; the last two compare rows with one
another and live, with the warnings below, in
``reportgen.data.series_rules``. This module has the cell-by-cell rules and
runs them all in order.

More than ``MAX_PER_RULE`` failures of one rule in one file are summarised
in one further problem, so a wrong column in a big file does not print a
million lines.

Warnings (``Checked.warnings``), which do not stop a run: a gap in a regular
series, an EES figure set aside because the council's own file gives the
same measure for the same area (the council's file wins), and [blank value]
a blank value in a council's own file, read as not published (why a warning:
``reportgen.data.suppression``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from reportgen.data.contracts import Contract, Frequency, Measure, Unit
from reportgen.data.numbers import check_whole, not_a_number, read_numbers
from reportgen.data.percent_rules import check_percentages_agree, warn_of_fractions
from reportgen.data.periods import parse_ees_year, parse_period
from reportgen.data.read import ROW, each_unique
from reportgen.data.series_rules import (
    check_duplicates,
    check_one_kind,
    gaps,
    prefer_council_files,
    series_key,
)
from reportgen.data.suppression import warn_blank_values
from reportgen.data.symbols import SYMBOLS
from reportgen.data.types import Period, PeriodKind
from reportgen.errors import Problem

FIELDS = ("measure", "area", "level", "period", "value", "numerator", "denominator")
"""The columns of a ``Block`` frame (all text), besides ``ROW``."""

SUPPRESSION_SYMBOLS = frozenset(SYMBOLS)
"""Published in place of a value (their meanings: ``reportgen.data.suppression.SYMBOLS``).
A blank value is read as not published with the reason ``"missing"``."""

MAX_PER_RULE = 100


@dataclass(frozen=True)
class Block:
    """Rows from one file in the tidy shape, as text, before any checking.

    ``frame`` has the ``FIELDS`` columns (blank where a file has no such
    column) and ``ROW``; ``columns`` gives each field's column name in the
    file, for messages and source references. EES blocks parse periods as
    EES ``time_period`` values.
    """

    file: str
    frame: pd.DataFrame
    columns: Mapping[str, str]
    ees: bool = False


@dataclass
class Checked:
    """Every row that passed, with typed columns, and what was found wrong."""

    frame: pd.DataFrame
    """Columns: block, ROW, measure, area, level (categoricals), pid (index into
    ``periods``), value/numerator/denominator (plain number text, "" when not
    published), suppressed (the symbol, "missing", or ""), part_suppressed, from_counts (a
    percentage to be worked out from its exact counts: ``percent_rules``)."""
    periods: list[Period]
    blocks: list[Block]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_blocks(blocks: list[Block], contract: Contract, *, blank_area: str) -> Checked:
    """Check every row of every block; rows with a blank area belong to ``blank_area``."""
    frame = _combine(blocks)
    result = Checked(frame, [], blocks)
    if frame.empty:
        return result
    report = Reporter(blocks)
    measures = contract.measures
    # Tidy rows without an area belong to the main area; EES rows always name theirs.
    unnamed = (frame["area"].to_numpy() == "") & ~frame["ees"].to_numpy(dtype=bool)
    frame.loc[unnamed, "area"] = blank_area
    codes, names = pd.factorize(frame["measure"].to_numpy(dtype=object), use_na_sentinel=False)
    known = np.array([m in measures for m in names], dtype=bool)[codes]
    unit = np.array([measures[m].unit.value if m in measures else "" for m in names], dtype=object)[codes]
    nouns = np.array([_counted(measures[m]) if m in measures else "" for m in names], dtype=object)[codes]
    freq = np.array([measures[m].frequency.value if m in measures else "" for m in names], dtype=object)[codes]
    ok = _check_measures(frame, report, measures, known)
    ok &= _check_periods(frame, report, freq, result.periods)
    ok &= _check_values(frame, report, unit, nouns)
    cautions = Reporter(blocks)
    fit, frame["from_counts"] = check_percentages_agree(frame, report, cautions,
                                                        (unit == Unit.PERCENT.value) & ok)  # once per row
    ok &= fit
    clean = frame.loc[ok].reset_index(drop=True)
    clean = prefer_council_files(clean, blocks, result.warnings)
    warn_blank_values(clean, result.periods, clean["ees"].to_numpy(dtype=bool), cautions)
    percentages = [m for m, spec in measures.items() if spec.unit is Unit.PERCENT]
    warn_of_fractions(clean, clean["measure"].isin(percentages).to_numpy(dtype=bool), cautions)
    result.warnings.extend(cautions.problems)
    for column in ("measure", "area", "level"):
        clean[column] = clean[column].astype("category")
    series = series_key(clean)
    check_duplicates(clean, series, result.periods, report)
    check_one_kind(clean, series, result.periods, report)
    result.problems = report.problems
    if not result.problems:  # gaps are only meaningful in a series of one kind without duplicates
        result.warnings.extend(gaps(clean, series, result.periods, contract, blocks))
    result.frame = clean
    return result


# --- combining and reporting ---------------------------------------------------

def _combine(blocks: list[Block]) -> pd.DataFrame:
    frames = []
    for number, block in enumerate(blocks):
        part = block.frame.loc[:, [*FIELDS, ROW]].copy()
        part["block"] = number
        part["ees"] = block.ees
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=[*FIELDS, ROW, "block", "ees"])
    frame = pd.concat(frames, ignore_index=True)
    for name in FIELDS:
        if any(name in block.columns for block in blocks):  # other fields are blank everywhere
            frame[name] = each_unique(frame[name], lambda v: str(v).strip())
    return frame


class Reporter:
    """Turns masks into Problems, at most ``MAX_PER_RULE`` per rule per file (``series_rules`` reports here too)."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self._found: list[tuple[int, int, int, Problem]] = []

    @property
    def problems(self) -> list[Problem]:
        """In file order, then row order (rules interleaved), as someone fixing the file works."""
        return [found[-1] for found in sorted(self._found, key=lambda f: f[:3])]

    def _append(self, block: int, row: int, problem: Problem) -> None:
        order = min(i for i, b in enumerate(self.blocks) if b.file == self.blocks[block].file)
        self._found.append((order, row, len(self._found), problem))

    def cells(self, frame: pd.DataFrame, mask: np.ndarray | pd.Series, column: str, rule: str,
              message: Callable[[str], str], texts: pd.Series | None = None) -> None:
        if not np.any(mask):
            return
        texts = frame[column] if texts is None else texts
        hits = pd.DataFrame({"block": frame["block"][mask], "row": frame[ROW][mask], "text": texts[mask]})
        for file, rows in hits.groupby(hits["block"].map(lambda b: self.blocks[b].file), sort=False):
            rows = rows.sort_values("row")
            for block, row, text in rows.head(MAX_PER_RULE).itertuples(index=False):
                where = f"row {row}, column {self.blocks[block].columns.get(column, column)}"
                self._append(block, row, Problem(file, where, f"{message(text)} (rule: {rule})"))
            if len(rows) > MAX_PER_RULE:
                last = int(rows["block"].iloc[0])
                self._append(last, 2**62, Problem(file, "", f"{len(rows) - MAX_PER_RULE} more rows (after row "
                                                  f"{rows['row'].iloc[MAX_PER_RULE - 1]}) break the rule "
                                                  f"{rule!r} too"))

    def add(self, block: int, row: int | None, column: str, message: str, rule: str) -> None:
        where = f"row {row}, column {self.blocks[block].columns.get(column, column)}" if row else ""
        self._append(block, row or 0, Problem(self.blocks[block].file, where, f"{message} (rule: {rule})"))


# --- row rules ---------------------------------------------------------------------

def _check_measures(frame: pd.DataFrame, report: Reporter, measures: Mapping[str, object],
                    known: np.ndarray) -> np.ndarray:
    blank = frame["measure"].to_numpy() == ""
    report.cells(frame, blank, "measure", "required", lambda _: "measure is blank")
    unknown = ~known & ~blank
    if unknown.any():
        listing = ", ".join(measures)
        rows = frame.loc[unknown, ["block", "measure", ROW]]
        for (block, measure), group in rows.groupby(["block", "measure"], sort=False):
            more = len(group) - 1
            also = f" (and {more} more row{'s' if more > 1 else ''})" if more else ""
            report.add(int(block), int(group[ROW].iloc[0]), "measure",
                       f"unknown measure {measure!r}{also}; the contract knows: {listing}", "known measure")
    blank_area = frame["area"].to_numpy() == ""
    report.cells(frame, blank_area, "area", "required", lambda _: "area name is blank")
    return known & ~blank_area


def _check_periods(frame: pd.DataFrame, report: Reporter, freq: np.ndarray, periods: list[Period]) -> np.ndarray:
    pid = np.full(len(frame), -1, dtype=np.int64)
    messages = np.full(len(frame), "", dtype=object)
    known: dict[tuple[str, PeriodKind, date, date], int] = {}

    def number(period: Period) -> int:
        key = (period.text, period.kind, period.start, period.end)
        if key not in known:
            known[key] = len(periods)
            periods.append(period)
        return known[key]

    ees = frame["ees"].to_numpy(dtype=bool)
    for is_ees in (False, True):
        rows = np.flatnonzero(ees == is_ees)
        if not len(rows):
            continue
        codes, uniques = pd.factorize(frame["period"].to_numpy(dtype=object)[rows])
        base = np.full(len(uniques), -1, dtype=np.int64)
        as_fy = base.copy()
        as_month = base.copy()
        errors = np.full(len(uniques), "", dtype=object)
        for i, text in enumerate(uniques):
            try:
                period = parse_ees_year(text) if is_ees else parse_period(text)
            except ValueError as exc:
                errors[i] = str(exc)
                continue
            base[i] = as_fy[i] = as_month[i] = number(period)
            if period.kind is PeriodKind.MONTH and not is_ees:
                fy = parse_period(text, financial_year=True)
                if fy.kind is PeriodKind.FINANCIAL_YEAR:
                    as_fy[i] = number(fy)
            if period.kind is PeriodKind.DAY:
                # A monthly measure's date names the month it falls in.
                month = parse_period(f"{period.end:%Y-%m}")
                as_month[i] = number(Period(month.end, month.start, PeriodKind.MONTH, period.text))
        row_freq = freq[rows]
        chosen = np.where(row_freq == Frequency.FINANCIAL_YEAR.value, as_fy[codes],
                          np.where(row_freq == Frequency.MONTHLY.value, as_month[codes], base[codes]))
        pid[rows] = chosen
        messages[rows] = errors[codes]
    frame["pid"] = pid
    bad = pid < 0
    report.cells(frame, bad, "period", "period", lambda m: m, texts=pd.Series(messages, index=frame.index))
    return ~bad


def _counted(measure: Measure) -> str:
    """What a measure's whole numbers count, for a message: its value's (a count), or its numerator's."""
    if measure.unit is Unit.COUNT:
        return measure.counts
    if measure.unit is Unit.PERCENT:
        return measure.percent_of or "cases"
    return ""


def _check_values(frame: pd.DataFrame, report: Reporter, unit: np.ndarray, nouns: np.ndarray) -> np.ndarray:
    percent = unit == Unit.PERCENT.value
    count = unit == Unit.COUNT.value
    non_negative = count | (unit == Unit.RATE_PER_10K.value)
    ok = np.ones(len(frame), dtype=bool)

    value, suppressed, bad, number = read_numbers(frame["value"], percent)
    report.cells(frame, bad, "value", "numeric", not_a_number)
    ok &= ~bad
    negative = non_negative & (number < 0)
    report.cells(frame, negative, "value", "not negative", lambda t: f"counts and rates cannot be negative, got {t!r}")
    outside = percent & ((number < 0) | (number > 100) | _beyond_by_a_hair(value, number))
    report.cells(frame, outside, "value", "percentage 0 to 100",
                 lambda t: f"a percentage must be from 0 to 100, got {t!r}")
    ok &= ~negative & ~outside
    ok &= ~check_whole(frame, report, "value", value, count & ~negative, nouns)
    frame["value"], frame["suppressed"] = value, suppressed

    parts = {}
    # "denominator:c" when a published percentage's base is itself suppressed:
    # the percentage may still be printed by the source, but its count is unknown.
    part_suppressed = np.full(len(frame), "", dtype=object)
    for name in ("numerator", "denominator"):
        texts = frame[name]
        if not (texts.to_numpy() != "").any():
            parts[name] = np.full(len(frame), np.nan)
            continue
        plain, symbols, bad, parts[name] = read_numbers(texts, np.zeros(len(frame), dtype=bool))
        marked = (symbols != "") & (symbols != "missing") & (part_suppressed == "")
        part_suppressed[marked] = name + ":" + symbols[marked]
        report.cells(frame, bad, name, "numeric", not_a_number)
        below = parts[name] < 0
        report.cells(frame, below, name, "not negative", lambda t: f"cannot be negative, got {t!r}")
        ok &= ~bad & ~below
        ok &= ~check_whole(frame, report, name, plain, percent & ~below, nouns)
        frame[name] = plain
    frame["part_suppressed"] = part_suppressed
    above = percent & (parts["numerator"] > parts["denominator"])
    report.cells(frame, above, "numerator", "numerator not above denominator",
                 lambda t: f"numerator {t} is larger than its denominator")
    return ok & ~above


def _beyond_by_a_hair(value: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Values a float rounds onto 0 or 100 but that are outside 0 to 100 (100.0000000000000001)."""
    edge = (number == 0) | (number == 100)
    result = np.zeros(len(number), dtype=bool)
    for i in np.flatnonzero(edge):
        try:
            exact = Decimal(value[i])
        except InvalidOperation:
            continue
        result[i] = exact < 0 or exact > 100
    return result
