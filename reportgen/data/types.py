"""The vocabulary shared by the data layer and the metrics layer.

Loaders produce these; facts and phrasing consume them. They are frozen so a
fact can hold on to the exact observations it was computed from (provenance)
without anyone changing them later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum


class PeriodKind(str, Enum):
    DAY = "day"            # YYYY-MM-DD (a date, or a week ending)
    MONTH = "month"        # YYYY-MM, Mar-21, March 2021
    QUARTER = "quarter"    # YYYY-Qn (calendar quarter)
    FINANCIAL_YEAR = "financial_year"  # YYYY/YY, YYYY-YY (1 April to 31 March)
    YEAR_ENDING_MARCH = "year_ending_march"  # EES time_period: the year ending 31 March
    PART_YEAR = "part_year"  # YYYY-MM/YYYY-MM: two to eleven whole months (year to date)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. Orders by its end date, then start date.

    ``text`` keeps the form the user typed (``Mar-21``) so statements and JSON
    can echo it back; ``kind`` says how to name it in a sentence.
    """

    end: date
    start: date
    kind: PeriodKind = field(compare=False)
    text: str = field(compare=False)


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from, as the user would find it: file, spreadsheet row, column."""

    file: str
    row: int
    column: str


@dataclass(frozen=True)
class Observation:
    """One value of one measure for one area in one period.

    ``value`` is None when the value is not published: then ``suppressed``
    holds the symbol found (``c``, ``z``, ``k``, ``x``, ``low``, ``..``) or
    ``"missing"``. A suppressed value is never zero. A percentage given with
    exact counts that agree with it is their ratio, unrounded (see ``published``).
    """

    period: Period
    value: Decimal | None
    source: SourceRef
    suppressed: str | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    sources: tuple[SourceRef, ...] = ()
    """For a value computed from other rows (a statistical-neighbour average):
    every cell it was computed from, so ``len(sources)`` is how many values
    were used. Empty for a value read straight from a file (see ``source``)."""
    part_suppressed: str | None = None
    """``"denominator:c"`` (or numerator) when a published percentage's count is itself
    suppressed: the percentage's base is then unknown and never stated."""
    parts: tuple[tuple[str, Observation], ...] = ()
    """For a computed value, each area's observation for the period, by area name: the
    published ones it was computed from, and those not published (left out of it). The
    appendix lists them under the average, so every averaged figure can be checked."""
    published: Decimal | None = None
    """The percentage as its file gives it (31.5), when ``value`` was worked out from exact
    counts instead (154 of 489: 31.49...), so that it is rounded once, from the counts
    printed beside it; None when ``value`` is as published."""

    group_size: int | None = None
    """For an average over a group of areas (a council's ten statistical neighbours): how
    many areas are in the group. ``len(sources)`` of them had a published figure for the
    period; a statement says so when that is fewer. None for a value read from a file."""

    @property
    def as_published(self) -> Decimal | None:
        """The value as its file gives it: what the appendix lists and an average is taken of."""
        return self.value if self.published is None else self.published


@dataclass(frozen=True)
class Series:
    """The observations of one measure for one area, in period order."""

    measure: str
    area: str
    observations: tuple[Observation, ...]
