"""Rules across rows and files: each series (measure and area) checked as a whole.

The second half of validation (``reportgen.data.validate`` has the first,
cell by cell). These rules only make sense once every row of every file has
passed the row rules and been typed, because they compare rows with one
another: which file's figures to keep, whether a period is given twice,
whether a series mixes kinds of period, and whether a regular series skips
a period. They are kept apart from the row rules because they work on the
clean frame keyed by series rather than on cells, and to keep each module
small enough to read at one sitting.

Rules (the name in brackets ends each message):

- [one value per measure, area and period] across all files;
- [one kind of period per series] months and financial years do not mix;
  a part of a year (a year-to-date figure) may follow financial years.

Warnings: an EES figure set aside because the council's own file gives the
same measure for the same area, and a gap in a regular series.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reportgen.data.contracts import Contract, Frequency
from reportgen.data.periods import period_index, shift_period
from reportgen.data.read import ROW, each_unique
from reportgen.data.types import Period, PeriodKind
from reportgen.errors import Problem

if TYPE_CHECKING:  # validate imports this module, so only for the type checker
    from reportgen.data.validate import Block, Reporter

_KIND_CODES = {kind: i for i, kind in enumerate(PeriodKind)}
_KIND_CODES[PeriodKind.PART_YEAR] = _KIND_CODES[PeriodKind.FINANCIAL_YEAR]  # this year so far, after full years
KIND_WORDS = {PeriodKind.DAY: ("week", "dates"), PeriodKind.MONTH: ("monthly", "months"),
               PeriodKind.QUARTER: ("quarterly", "quarters"),
               PeriodKind.FINANCIAL_YEAR: ("financial-year", "financial years"),
               PeriodKind.YEAR_ENDING_MARCH: ("annual", "years ending March"),
               PeriodKind.PART_YEAR: ("part-year", "part years")}


def prefer_council_files(clean: pd.DataFrame, blocks: list[Block], warnings: list[Problem]) -> pd.DataFrame:
    """Where a council's own file and an EES file both give a measure for one area, keep the council's."""
    ees = clean["ees"].to_numpy(dtype=bool)
    if ees.all() or not ees.any():
        return clean
    keys = clean.groupby(["measure", "area"], sort=False).ngroup().to_numpy()
    from_ees = np.bincount(keys, weights=ees) > 0
    from_council = np.bincount(keys, weights=~ees) > 0
    both = from_ees & from_council
    if not both.any():
        return clean
    drop = ees & both[keys]
    for (measure, area), rows in clean.loc[drop].groupby(["measure", "area"], sort=False):
        council_block = int(clean.loc[~ees & (clean["measure"] == measure) & (clean["area"] == area), "block"].iloc[0])
        ees_file = blocks[int(rows["block"].iloc[0])].file
        warnings.append(Problem(ees_file, f"measure {measure}, area {area}",
                                f"{len(rows)} EES figures not used: {blocks[council_block].file} gives this "
                                "measure for this area, and a council's own file takes precedence"))
    return clean.loc[~drop].reset_index(drop=True)


def series_key(clean: pd.DataFrame) -> np.ndarray:
    measure = clean["measure"].cat.codes.to_numpy(dtype=np.int64)
    area = clean["area"].cat.codes.to_numpy(dtype=np.int64)
    return measure * (len(clean["area"].cat.categories) + 1) + area


def check_duplicates(clean: pd.DataFrame, series: np.ndarray, periods: list[Period], report: Reporter) -> None:
    spans: dict[tuple[date, date], int] = {}
    span_of = np.array([spans.setdefault((p.start, p.end), len(spans)) for p in periods], dtype=np.int64)
    key = series * (len(spans) + 1) + span_of[clean["pid"].to_numpy()]
    repeated = pd.Series(key).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    first: dict[int, int] = {}
    for position in np.flatnonzero(pd.Series(key).duplicated(keep=False).to_numpy()):
        first.setdefault(int(key[position]), int(position))
    blocks, rows = clean["block"].to_numpy(), clean[ROW].to_numpy()
    messages = pd.Series("", index=clean.index, dtype=object)
    for position in np.flatnonzero(repeated):
        earlier = first[int(key[position])]
        where = (f"row {rows[earlier]}" if blocks[earlier] == blocks[position]
                 else f"{report.blocks[blocks[earlier]].file} row {rows[earlier]}")
        period, before = periods[int(clean["pid"].iat[position])], periods[int(clean["pid"].iat[earlier])]
        said = (f"{clean['measure'].iat[position]} for {clean['area'].iat[position]} in {period.text} "
                f"is also given in {where}")
        if before.text != period.text:  # two dates read as one month: say so, or the message reads as wrong
            said += (f", as {before.text}: both are read as {_span_name(period)}, as the measure is "
                     f"{KIND_WORDS[period.kind][0]} in the data contract; give one figure for {_span_name(period)}")
        messages.iat[position] = said
    report.cells(clean, repeated, "period", "one value per measure, area and period", lambda m: m, texts=messages)


def _span_name(period: Period) -> str:
    """"May 2023" for a month; the period's own text for anything else."""
    return f"{period.start:%B %Y}" if period.kind is PeriodKind.MONTH else period.text


def check_one_kind(clean: pd.DataFrame, series: np.ndarray, periods: list[Period], report: Reporter) -> None:
    kind_of = np.array([_KIND_CODES[p.kind] for p in periods], dtype=np.int64)
    kinds = kind_of[clean["pid"].to_numpy()]
    pairs = np.unique(series * 8 + kinds)
    series_ids, counts = np.unique(pairs // 8, return_counts=True)
    for mixed in series_ids[counts > 1]:
        rows = np.flatnonzero(series == mixed)
        by_kind = {}
        for position in rows:
            by_kind.setdefault(periods[int(clean["pid"].iat[position])].kind, position)
        described = [f"{KIND_WORDS[k][1]} ({report.blocks[int(clean['block'].iat[p])].file} row {clean[ROW].iat[p]})"
                     for k, p in by_kind.items()]
        last = list(by_kind.values())[-1]
        measure, area = clean["measure"].iat[last], clean["area"].iat[last]
        report.add(int(clean["block"].iat[last]), None, "period",
                   f"{measure} for {area} mixes {' and '.join(described)}; give the annual figures "
                   "their own measure or check them in a separate run", "one kind of period per series")


def gaps(clean: pd.DataFrame, series: np.ndarray, periods: list[Period], contract: Contract,
          blocks: list[Block]) -> list[Problem]:
    """A warning for each regular series that skips a period between its first and last.

    Regular: months, quarters and years always; dates only for weekly measures
    (steps of 7 days). Found with one sort and one diff over all rows; only
    series with a gap are looked at in Python.
    """
    if clean.empty:
        return []
    index = np.array([period_index(p) for p in periods], dtype=np.int64)
    is_day = np.array([p.kind is PeriodKind.DAY for p in periods], dtype=bool)
    pids = clean["pid"].to_numpy()
    weekly = each_unique(clean["measure"].astype(str),
                         lambda m: contract.measures[m].frequency is Frequency.WEEKLY, bool)
    step = np.where(is_day[pids], np.where(weekly, 7, 0), 1)
    order = np.lexsort((index[pids], series))
    s_sorted, i_sorted, step_sorted = series[order], index[pids][order], step[order]
    jumps = np.flatnonzero((s_sorted[1:] == s_sorted[:-1]) & (step_sorted[1:] > 0)
                           & (np.diff(i_sorted) > step_sorted[1:]))
    warnings = []
    for key in dict.fromkeys(s_sorted[jumps].tolist()):
        rows = order[s_sorted == key]
        first = int(rows[0])
        period = periods[int(pids[first])]
        gap = int(step[first])
        present = set(index[pids[rows]].tolist())
        low = int(index[pids[first]])
        missing = [i for i in range(low, max(present) + 1, gap) if i not in present]
        names = [shift_period(period, (i - low) // gap).text for i in missing]
        listing = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
        kind = "weekly" if gap == 7 else KIND_WORDS[period.kind][0]
        warnings.append(Problem(blocks[int(clean["block"].iat[first])].file,
                                f"measure {clean['measure'].iat[first]}, area {clean['area'].iat[first]}",
                                f"no value for {listing} (a gap in a {kind} series)"))
    return warnings
