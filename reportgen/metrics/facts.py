"""Facts: what is true of a series, as typed values that keep their evidence.

A fact is computed (``reportgen.metrics.rules``) before anything is written
about it (``reportgen.metrics.phrasing``), so the arithmetic can be tested on
its own and every sentence can say which rows it rests on. Each fact holds
the observations it used, with the area each came from (``sources``): that is
the provenance a report's "Data behind this report" appendix lists.

All values are exact ``Decimal``; nothing here is rounded. The thresholds the
rules use are in ``FactOptions``, whose defaults are the one documented place
they are set.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal, NamedTuple

from reportgen.data.contracts import Frequency
from reportgen.data.types import Observation, Period

Relation = Literal["higher", "lower", "same"]
Judgement = Literal["better", "worse"]


@dataclass(frozen=True)
class FactOptions:
    """When a rule makes a claim. Defaults follow common council and NHS practice."""

    record_min_gap: int = 3
    """A record ("the lowest since July 2018") is claimed only when the named period is at
    least this many periods back; one or two periods back is ordinary movement."""
    min_streak: int = 3
    """Consecutive changes in one direction before "for a third consecutive month" is said."""
    band_tolerance_pct: Decimal = Decimal(5)
    """Band half-width for counts, rates and money, as a percentage of the centre."""
    band_tolerance_points: Decimal = Decimal(2)
    """Band half-width for percentages, in percentage points."""
    band_min_periods: int = 6
    """A band must cover at least this many periods to be worth saying."""
    band_max_exceptions: int = 2
    """At most this many named exceptions, and never more than one in six periods."""
    xmr_baseline: int | None = None
    """XmR limits from the first N points of the run (None: every point in the run)."""
    xmr_rebase: tuple[Period, ...] = ()
    """Periods where the process changed: XmR limits and signals are worked out from the
    latest one in the run (Making Data Count's "recalculate the limits")."""
    xmr_min_points: int = 12
    """Fewer points than this and no spike or shift is claimed (limits are unreliable)."""
    xmr_run_length: int = 7
    """Points on one side of the mean, or rising/falling, that signal a shift (NHS MDC)."""
    spike_lookback_years: int = 1
    """A point beyond the limits is mentioned if it is this recent (and among the last three at least)."""
    max_named_comparators: int = 5
    """More comparators than this are summarised by rank instead of named one by one."""
    latest_comparator_months: int = 24
    """A percentage with no comparator figure for its own period is compared with the
    comparator's latest published one if that ended at most this many months before
    (0: never). The sentence names that period."""

    def __post_init__(self) -> None:
        if self.record_min_gap < 2:
            raise ValueError("record_min_gap must be at least 2 (one period back is not a record)")
        if self.min_streak < 2 or self.xmr_run_length < 2 or self.band_min_periods < 2:
            raise ValueError("streak, run and band lengths must be at least 2")


DEFAULT_OPTIONS = FactOptions()


class SourceRow(NamedTuple):
    """One observation a fact used, and the area it belongs to.

    A named tuple rather than a dataclass: a fact over ten years of monthly
    figures holds 120 of them, and building them is the hot path of a batch.
    """

    area: str
    observation: Observation


@dataclass(frozen=True)
class Fact:
    """What every fact has: the measure, the area and period it is about, its evidence."""

    kind: ClassVar[str] = "fact"
    measure: str
    """The measure id."""
    area: str
    """The area the fact is about (the council)."""
    period: Period
    """The period the statement is about (the latest, or ``as_of``)."""
    sources: tuple[SourceRow, ...]
    """Every observation the fact was computed from, in period order, own area first."""
    frequency: Frequency
    """How often the series is reported, as the data shows it (weekly figures of a
    measure the contract calls monthly are weekly): decides "month" or "week"."""


@dataclass(frozen=True)
class Latest(Fact):
    kind: ClassVar[str] = "latest"
    value: Decimal


@dataclass(frozen=True)
class Proportion(Fact):
    """A percentage with its count; only the count when the cohort is small."""

    kind: ClassVar[str] = "proportion"
    value: Decimal
    numerator: Decimal
    denominator: Decimal | None
    counts_only: bool
    """True when the denominator is below the measure's small-number threshold (or suppressed)."""
    base_suppressed: str | None = None
    """The symbol of a suppressed denominator (``c``): the base is small and unknown."""


@dataclass(frozen=True)
class Change(Fact):
    """The latest figure against the previous published one."""

    kind: ClassVar[str] = "change"
    previous: Observation
    current: Observation
    absolute_change: Decimal
    """current - previous; for percentages this is in percentage points."""
    percent_change: Decimal | None
    """Relative change in %; None for percentages (they change in points) or from zero or below."""
    in_points: bool
    """True for percentages: the change is stated in percentage points."""
    adjacent: bool
    """False when periods are missing or unpublished between the two; phrasing says so."""


@dataclass(frozen=True)
class YearOnYear(Change):
    """The latest figure against the same period a year earlier."""

    kind: ClassVar[str] = "year_on_year"


@dataclass(frozen=True)
class Record(Fact):
    """The lowest (highest) since a named period, or since the series began."""

    kind: ClassVar[str] = "record"
    value: Decimal
    direction: Literal["lowest", "highest"]
    since: Observation | None
    """The most recent earlier period at or below (above) the latest; None: none in the data."""
    periods_back: int | None
    first: Period
    """The first period of the series (named when there is no ``since``)."""


@dataclass(frozen=True)
class Streak(Fact):
    """Consecutive changes in one direction ending at the latest period."""

    kind: ClassVar[str] = "streak"
    direction: Literal["rising", "falling"]
    length: int
    """Number of consecutive changes (four falls: "for a fourth consecutive month")."""
    start: Period
    """The period before the first change of the streak."""
    unit: str
    stopped_by: Literal["direction", "gap", "series_start"]
    """Why the streak is not longer: the direction changed (or held), a missing or
    unpublished period, or the data begins; only the first makes "consecutive" exact."""
    special_cause: bool
    """The run is long enough to be an NHS Making Data Count trend (7 points)."""


@dataclass(frozen=True)
class Band(Fact):
    """The series has stayed within a tolerance of a round centre since ``start``."""

    kind: ClassVar[str] = "band"
    centre: Decimal
    tolerance: Decimal
    in_points: bool
    """True: tolerance in percentage points; False: a percentage of the centre."""
    lower: Decimal
    upper: Decimal
    start: Period
    exceptions: tuple[Observation, ...]


@dataclass(frozen=True)
class Spike(Fact):
    """A point beyond the XmR process limits among the latest few."""

    kind: ClassVar[str] = "spike"
    observation: Observation
    direction: Literal["high", "low"]
    mean: Decimal
    lower_limit: Decimal
    upper_limit: Decimal
    returned: bool
    """True when every later point is back within the limits."""
    since: Period | None = None
    """Where the limits were worked out from, when the process was rebased; None: the whole run."""
    beyond: tuple[Observation, ...] = ()
    """Every recent point beyond the same limit, oldest first: "spiked to 347 in August"
    is misleading when July was 352 and May was also above the range."""
    span: int = 1
    """Periods from the first of ``beyond`` to the last, inclusive ("in three of the four months")."""
    unit: str = "period"
    """The period word for counting them ("month", "quarter", "year")."""


@dataclass(frozen=True)
class Shift(Fact):
    """Seven or more consecutive points on one side of the XmR mean, ending now."""

    kind: ClassVar[str] = "shift"
    side: Literal["above", "below"]
    length: int
    start: Period
    mean: Decimal
    unit: str
    since: Period | None = None
    """Where the mean was worked out from, when the process was rebased; None: the whole run."""


class Comparison(NamedTuple):
    """The council's figure against one comparator's, for the same period or its latest published."""

    area: str
    value: Decimal
    relation: Relation
    """The council's figure is higher than, lower than or the same as (as published) this one."""
    judgement: Judgement | None
    """Better or worse by the measure's polarity; None when neutral or the same."""
    period: Period | None = None
    """The comparator's own period when it has none for the council's: its latest published
    (national figures lag a year or more). None: the same period as the council's."""
    averaged: tuple[int, int] | None = None
    """For an average over a group of areas (statistical neighbours): how many had a published
    figure, and how many are in the group, (9, 10). None: one area's own figure."""


@dataclass(frozen=True)
class Benchmark(Fact):
    kind: ClassVar[str] = "benchmark"
    value: Decimal
    comparisons: tuple[Comparison, ...]
    unavailable: tuple[str, ...]
    """Comparators with no published figure for the period (skipped, never zero)."""
    by_rank: bool
    """Too many comparators to name (``max_named_comparators``): summarise by rank."""


@dataclass(frozen=True)
class Suppressed(Fact):
    """The latest figure is not published; nothing is claimed about it."""

    kind: ClassVar[str] = "suppressed"
    symbol: str
    """``c``, ``z``, ``x``, ``k``, ``low``, ``..`` or ``missing`` (no row at all)."""
    last_published: Observation | None
    """The most recent earlier published figure, named with its own period."""


STATEMENT_KINDS = tuple(cls.kind for cls in (Latest, Proportion, Change, YearOnYear, Record, Streak, Band, Spike,
                                             Shift, Benchmark, Suppressed))
"""Every kind of fact, in the order statements are printed: what ``[[measure:kind]]`` may name."""
