"""A series as the fact rules see it: in order, cut at ``as_of``, with its gaps marked.

Facts must never bridge a gap silently, so before any rule runs the series is
laid out once: which observation directly follows which (a missing period
breaks the chain), and where the unbroken, published run that ends at the
latest observation begins. Rules that need consecutive figures (record,
streak, band, XmR) look only inside that run.

Adjacency is decided from the periods themselves: a month, quarter or year
follows another when it starts the day after the other ends, and a part of a
year (April to August) follows the same months a year before, or the full
year it comes straight after. A part year is compared with a full year only
as a percentage, and never joins a run: five months of figures are not a
twelfth period in a line of years. A part year that a later figure covers
(April to August 2018, once 2018/19 is in) is left out: it was provisional.
Points in time (``YYYY-MM-DD``) follow each other by the measure's frequency: seven days for
weekly data, one calendar month for monthly data, and so on. The word for one
step ("month", "week") comes from the period kind first and the contract's
frequency second, because the same measure can arrive as monthly local
figures or as the DfE's annual ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from reportgen.data.contracts import Frequency, Measure
from reportgen.data.periods import financial_year_of, shift_period
from reportgen.data.types import Observation, Period, PeriodKind, Series
from reportgen.metrics import xmr
from reportgen.metrics.facts import SourceRow
from reportgen.metrics.formatting import round_half_up

_MONTHS_PER_STEP = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3,
                    Frequency.FINANCIAL_YEAR: 12, Frequency.ANNUAL: 12}
_UNIT_OF_KIND = {PeriodKind.MONTH: "month", PeriodKind.QUARTER: "quarter",
                 PeriodKind.FINANCIAL_YEAR: "year", PeriodKind.YEAR_ENDING_MARCH: "year",
                 PeriodKind.PART_YEAR: "year"}
_UNIT_OF_FREQUENCY = {Frequency.WEEKLY: "week", Frequency.MONTHLY: "month",
                      Frequency.QUARTERLY: "quarter", Frequency.FINANCIAL_YEAR: "year",
                      Frequency.ANNUAL: "year"}


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


_ONE_DAY = timedelta(days=1)


def follows(previous: Period, period: Period, frequency: Frequency) -> bool:
    """True when ``period`` is the very next one after ``previous`` (no gap between)."""
    if previous.kind is PeriodKind.PART_YEAR and period.kind is PeriodKind.PART_YEAR:
        return (_month_index(period.start) - _month_index(previous.start) == 12
                and _month_index(period.end) - _month_index(previous.end) == 12)
    if previous.start != previous.end or period.start != period.end:
        return period.start == previous.end + _ONE_DAY
    if frequency is Frequency.WEEKLY:
        return (period.end - previous.end).days == 7
    step = _MONTHS_PER_STEP.get(frequency)
    if step is not None:
        return _month_index(period.end) - _month_index(previous.end) == step
    return (period.end - previous.end).days == 1  # pragma: no cover - every frequency has a step


def like_for_like(a: Period, b: Period) -> bool:
    """Periods of one length: a year beside a year, April to August beside April to August."""
    if a.kind is not b.kind:
        return False
    return a.kind is not PeriodKind.PART_YEAR or (a.start.month == b.start.month and a.end.month == b.end.month)


def is_year_earlier(earlier: Period, period: Period, frequency: Frequency) -> bool:
    """True when ``earlier`` is the same period one year before ``period``.

    Months and quarters: the same months a year back. Weeks: 52 weeks back (the
    same weekday, as the ONS compares weekly figures). Other days: the same date.
    """
    if period.kind is PeriodKind.DAY and period.start == period.end:
        if frequency is Frequency.WEEKLY:
            return earlier.end == period.end - timedelta(days=364)
        if frequency in _MONTHS_PER_STEP:
            return _month_index(earlier.end) == _month_index(period.end) - 12
        return earlier.end == _same_date_year_before(period.end)
    if period.kind is PeriodKind.DAY:
        return earlier.end == period.end - timedelta(days=364)
    return (_month_index(earlier.start) == _month_index(period.start) - 12
            and _month_index(earlier.end) == _month_index(period.end) - 12)


def _same_date_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def step_unit(period: Period, frequency: Frequency) -> str:
    """The word for one step of the series: ``month``, ``quarter``, ``year``, ``week``, ``day``."""
    if period.kind in _UNIT_OF_KIND:
        return _UNIT_OF_KIND[period.kind]
    return _UNIT_OF_FREQUENCY.get(frequency, "day")


def is_annual(period: Period) -> bool:
    """One figure a year: the change from the figure before is the change over a year."""
    return period.kind in (PeriodKind.FINANCIAL_YEAR, PeriodKind.YEAR_ENDING_MARCH, PeriodKind.PART_YEAR)


@dataclass(frozen=True)
class Timeline:
    """One area's series of one measure up to ``as_of``, laid out for the rules."""

    measure: Measure
    area: str
    observations: tuple[Observation, ...]
    """In period order; only those ending on or before ``as_of``."""
    adjacent: tuple[bool, ...]
    """``adjacent[i]``: observation ``i`` directly follows ``i - 1`` (always False for 0)."""
    run_start: int
    """First index of the unbroken run of published figures ending at the latest one
    (``len(observations)`` when the latest is not published)."""
    target: Period | None
    """The period statements are about: the latest period, or the one ``as_of`` names.
    For figures published less often than ``as_of`` (a year's, as at June) it is the
    series' latest period by then (2021/22), so an annual measure in a monthly report
    is stated for its year, named, not said to be missing for June."""
    frequency: Frequency
    """The series' cadence: the contract's, except that dated figures seven days
    apart are weekly whatever the contract says (weeks ending ...)."""

    @classmethod
    def of(cls, series: Series, measure: Measure, as_of: Period | None = None) -> Timeline:
        observations = [o for o in series.observations if as_of is None or o.period.end <= as_of.end]
        keys = [(o.period.end, o.period.start) for o in observations]
        if any(a >= b for a, b in zip(keys, keys[1:])):  # loaders give period order; tests may not
            observations.sort(key=lambda o: (o.period.end, o.period.start))
            keys.sort()
            for key, after in zip(keys, observations[1:]):
                if key == (after.period.end, after.period.start):
                    raise ValueError(f"{series.area}, {series.measure}: two values for {after.period.text}")
        if any(o.period.kind is PeriodKind.PART_YEAR for o in observations):
            observations = _without_superseded(observations)
        frequency = _cadence(observations, measure.frequency)
        adjacent = [False] + [
            follows(a.period, b.period, frequency) for a, b in zip(observations, observations[1:])
        ]
        run_start = len(observations)
        if observations and observations[-1].value is not None:
            run_start -= 1
            while (run_start > 0 and adjacent[run_start] and observations[run_start - 1].value is not None
                   and like_for_like(observations[run_start - 1].period, observations[run_start].period)):
                run_start -= 1
        if as_of is None:
            target = observations[-1].period if observations else None
        else:
            target = (_due_period(observations[-1].period, as_of, measure.publication_lag_months)
                      if observations else as_of)
        return cls(measure, series.area, tuple(observations), tuple(adjacent), run_start, target, frequency)

    @cached_property
    def rows(self) -> tuple[SourceRow, ...]:
        """Each observation as a fact's source row, made once for every fact to slice."""
        return tuple(SourceRow(self.area, o) for o in self.observations)

    @property
    def latest(self) -> Observation | None:
        """The observation for the target period, if the data has one (published or not).

        A month within a target year counts (as at 2017/18, monthly data's latest
        month in it); a year to date does not stand for its whole year.
        """
        if not self.observations or self.target is None:
            return None
        last = self.observations[-1].period
        if last.kind is PeriodKind.PART_YEAR and last.end < self.target.end and not like_for_like(last, self.target):
            return None
        return self.observations[-1] if last.end >= self.target.start else None

    @property
    def latest_value(self) -> Observation | None:
        """The latest observation when it is published; None otherwise."""
        latest = self.latest
        return latest if latest is not None and latest.value is not None else None

    @property
    def run(self) -> tuple[Observation, ...]:
        """The unbroken run of published figures ending at the latest one."""
        return self.observations[self.run_start:] if self.latest_value is not None else ()

    @cached_property
    def values(self) -> tuple[Decimal, ...]:
        """The run's figures, exact."""
        return tuple(o.value for o in self.run if o.value is not None)

    @cached_property
    def shown(self) -> tuple[Decimal, ...]:
        """The run's figures as sentences show them (rounded half up to the measure's decimals)."""
        decimals = self.measure.decimals
        return tuple(round_half_up(v, decimals) for v in self.values)

    def process_start(self, rebase: Sequence[Period] = ()) -> int:
        """Index in ``run`` where the process the XmR limits describe began.

        ``rebase`` names periods where the process changed (a new service, a new
        recording rule): Making Data Count works the limits out again from the
        latest such change, so the old process's figures do not make every new
        one look special. A change after the latest figure, or before the run,
        changes nothing.
        """
        start = 0
        for change in rebase:
            first = next((i for i, o in enumerate(self.run) if o.period.start >= change.start), None)
            if first is not None and first > start:
                start = first
        return start

    def limits(self, baseline: int | None, start: int = 0) -> xmr.Limits:
        """XmR limits of the run from ``start`` (cached: spike, shift and the chart share them)."""
        cache: dict[tuple[int, int | None], xmr.Limits] = self.__dict__.setdefault("_limits", {})
        if (start, baseline) not in cache:
            cache[start, baseline] = xmr.limits(self.values[start:], baseline)
        return cache[start, baseline]

    @property
    def unit(self) -> str:
        """One step of the data ("month"), from its own periods, not from how ``as_of`` was typed."""
        period = self.observations[-1].period if self.observations else self.target
        if period is None:
            return _UNIT_OF_FREQUENCY.get(self.frequency, "period")
        return step_unit(period, self.frequency)


_FREQUENCY_OF_KIND = {PeriodKind.MONTH: Frequency.MONTHLY, PeriodKind.QUARTER: Frequency.QUARTERLY,
                      PeriodKind.FINANCIAL_YEAR: Frequency.FINANCIAL_YEAR,
                      PeriodKind.YEAR_ENDING_MARCH: Frequency.ANNUAL, PeriodKind.PART_YEAR: Frequency.ANNUAL}


def _due_period(latest: Period, as_of: Period, lag_months: int | None) -> Period:
    """The period a report as at ``as_of`` should state: the one whose figure is due by then.

    ``latest`` is the series' latest period up to ``as_of``; ``lag_months`` the
    measure's publication lag. A figure that arrived before it was due is used.
    A series given as often as ``as_of``, or more often, is stated for ``as_of``
    unless a lag says its figure is not due yet. With no lag in the contract, a
    year's figure as at June is stated for the latest year in the data, named:
    it is published months after the year ends (the DfE's in the autumn), and a
    late row and one not due yet look alike. A year to date is provisional
    either way: once its full year is due, that year's figure is expected.
    """
    if latest.start == latest.end:
        return as_of  # dated points: as_of names the period
    longer = _months(as_of) < _months(latest)
    if not longer and not lag_months:
        return as_of  # periods no longer than as_of, due at once: as_of names the period
    due_by = as_of.end if lag_months is None else _month_end(as_of.end, -lag_months)
    if latest.kind is PeriodKind.PART_YEAR:
        full_year = financial_year_of(latest.end)
        return full_year if full_year.end <= due_by else latest
    if lag_months is None:
        return latest
    if latest.end > due_by and not longer:
        return as_of  # the data is up to date, or ahead of its lag
    target = latest
    for _ in range(1000):  # a period a step: a lag cannot reach back further than the data
        following = shift_period(target, 1)
        if following.end > due_by:
            break
        target = following
    return target


def _month_end(day: date, months: int) -> date:
    """The last day of the month ``months`` after the month of ``day`` (before, when negative)."""
    following = _month_index(day) + months  # the month after, counted from 0
    return date(following // 12, following % 12 + 1, 1) - _ONE_DAY


def _months(period: Period) -> int:
    """How many calendar months ``period`` spans (0 for a date): months differ in days, not in this."""
    if period.start == period.end:
        return 0
    return _month_index(period.end) - _month_index(period.start) + 1


def _without_superseded(observations: list[Observation]) -> list[Observation]:
    """Drop each part year that a later period overlaps (its year's full figure, or a longer year to date)."""
    kept: list[Observation] = []
    for o in observations:  # in period order: a later period ends after this one
        while kept and kept[-1].period.kind is PeriodKind.PART_YEAR and kept[-1].period.end >= o.period.start:
            kept.pop()
        kept.append(o)
    return kept


def _cadence(observations: list[Observation], contract: Frequency) -> Frequency:
    """Months, quarters and years say their cadence; dated figures seven days apart are weekly."""
    if not observations:
        return contract
    kind = observations[-1].period.kind
    if kind in _FREQUENCY_OF_KIND:
        return _FREQUENCY_OF_KIND[kind]
    steps = [(b.period.end - a.period.end).days for a, b in zip(observations, observations[1:])]
    if contract is Frequency.WEEKLY or (steps and min(steps) == 7):
        return Frequency.WEEKLY
    return contract
