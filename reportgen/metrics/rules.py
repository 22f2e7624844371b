"""The rules: pure functions from a laid-out series to facts.

Each rule looks at a ``Timeline`` (the series cut at ``as_of``, gaps marked)
and returns one fact or None. They are deliberately plain loops over the
observations so each can be checked against a brute-force reference in the
tests. ``facts_for`` runs them in the order statements are printed.

Rules that depend on consecutive figures (record, streak, band, spike,
shift) look only at the unbroken run of published figures ending at the
latest one: a missing or suppressed period is never bridged. When the latest
figure is itself not published, the only fact is ``Suppressed``; no rule
falls back to an older figure as if it were the latest.

For a percentage published with its count, ``Proportion`` takes the place
of ``Latest`` ("25.5% (70 children)"); when its denominator is below the
measure's small-number threshold it is the only fact, in counts ("7 of 12
care leavers"): members asked that small cohorts never be percentages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal, localcontext
from typing import Any, Literal, NamedTuple

from reportgen.data.contracts import Frequency, Measure, Polarity, Unit
from reportgen.data.types import Observation, Period, Series
from reportgen.metrics import xmr
from reportgen.metrics.bands import find_band
from reportgen.metrics.facts import (
    DEFAULT_OPTIONS,
    Benchmark,
    Change,
    Comparison,
    Fact,
    FactOptions,
    Judgement,
    Latest,
    Proportion,
    Record,
    Relation,
    Shift,
    SourceRow,
    Spike,
    Streak,
    Suppressed,
    YearOnYear,
)
from reportgen.metrics.formatting import round_half_up
from reportgen.metrics.timeline import Timeline, is_annual, is_year_earlier, like_for_like


def facts_for(
    series: Series,
    measure: Measure,
    *,
    comparators: Sequence[Series] = (),
    as_of: Period | None = None,
    options: FactOptions = DEFAULT_OPTIONS,
) -> list[Fact]:
    """Every fact that holds for ``series`` at ``as_of`` (default: its latest period)."""
    timeline = Timeline.of(series, measure, as_of)
    if timeline.target is None:
        return []
    if timeline.latest_value is None:
        return [suppressed(timeline)]
    share = proportion(timeline)
    if share is not None and share.counts_only:
        return [share]  # a small cohort: counts only; no percentage is compared or ranked
    facts: list[Fact] = [share if share is not None else latest(timeline)]
    for rule in (change, year_on_year, record, streak, find_band, spike, shift):
        fact = rule(timeline, options)
        if fact is not None:
            facts.append(fact)
    compared = benchmark(timeline, comparators, options)
    if compared is not None:
        facts.append(compared)
    return facts


def _rows(timeline: Timeline, observations: Sequence[Observation]) -> tuple[SourceRow, ...]:
    return tuple(SourceRow(timeline.area, o) for o in observations)


def _about(timeline: Timeline, period: Period, used: Sequence[Observation] | int) -> dict[str, Any]:
    """The fields every fact has, as keyword arguments.

    ``used`` is the observations the fact rests on, or an index: every observation from there on.
    """
    sources = timeline.rows[used:] if isinstance(used, int) else _rows(timeline, used)
    return {"measure": timeline.measure.id, "area": timeline.area, "period": period,
            "sources": sources, "frequency": timeline.frequency}


def _value(observation: Observation) -> Decimal:
    if observation.value is None:  # pragma: no cover - rules only pass published figures
        raise ValueError(f"{observation.period.text} is not published")
    return observation.value


def latest(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Latest:
    current = timeline.observations[-1]
    return Latest(**_about(timeline, current.period, [current]), value=_value(current))


def proportion(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Proportion | None:
    """A percentage published with its count; counts only below the small-number threshold."""
    current = timeline.latest_value
    if current is None or timeline.measure.unit is not Unit.PERCENT or current.numerator is None:
        return None
    base = current.part_suppressed or ""
    base_suppressed = base.split(":", 1)[1] if base.startswith("denominator:") else None
    # A suppressed base is a small one (the DfE suppresses counts of 1 to 5): counts only.
    small = base_suppressed is not None or (
        current.denominator is not None and current.denominator < timeline.measure.small_number_threshold)
    return Proportion(**_about(timeline, current.period, [current]), value=_value(current),
                      numerator=current.numerator, denominator=current.denominator, counts_only=small,
                      base_suppressed=base_suppressed)


def _change(timeline: Timeline, previous: Observation, between: Sequence[Observation],
            adjacent: bool, cls: type[Change]) -> Change:
    current = timeline.observations[-1]
    before, now = _value(previous), _value(current)
    in_points = timeline.measure.unit is Unit.PERCENT
    with localcontext() as ctx:
        ctx.prec = 28
        absolute = now - before
        percent = None if in_points or before <= 0 else absolute / before * 100  # no % of a zero or negative base
    return cls(**_about(timeline, current.period, [previous, *between, current]),
               previous=previous, current=current, absolute_change=absolute, percent_change=percent,
               in_points=in_points, adjacent=adjacent)


def change(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Change | None:
    """Against the previous published figure; ``adjacent`` is False across a gap."""
    obs = timeline.observations
    j = len(obs) - 2
    while j >= 0 and obs[j].value is None:
        j -= 1
    if j < 0:
        return None
    if not like_for_like(obs[j].period, obs[-1].period) and timeline.measure.unit is not Unit.PERCENT:
        return None  # 5 months' count against 12 months' says nothing; a percentage is a share of each
    adjacent = j == len(obs) - 2 and timeline.adjacent[-1]
    return _change(timeline, obs[j], obs[j + 1:-1], adjacent, Change)


def year_on_year(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> YearOnYear | None:
    """Against the same period a year earlier (not for annual data, where it is ``change``)."""
    obs = timeline.observations
    current = obs[-1]
    if is_annual(current.period):
        return None
    horizon = current.period.end - timedelta(days=400)
    for candidate in reversed(obs[:-1]):
        if candidate.period.end < horizon:
            break
        if is_year_earlier(candidate.period, current.period, timeline.frequency):
            if candidate.value is None:
                return None
            return _change(timeline, candidate, (), True, YearOnYear)  # type: ignore[return-value]
    return None


def record(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Record | None:
    """The lowest (highest) since the most recent earlier period at or below (above) the latest.

    Not claimed when that period is fewer than ``record_min_gap`` periods back, or when
    the search meets a missing or unpublished period before finding one. Figures are
    compared as shown, so "the lowest since" never names a period that showed the same
    figure as the one before the latest.
    """
    run, shown = timeline.run, timeline.shown
    if len(run) < 2:
        return None
    now, before = shown[-1], shown[-2]
    if now == before:
        return None
    direction: Literal["lowest", "highest"] = "lowest" if now < before else "highest"
    for j in range(len(run) - 3, -1, -1):
        if (shown[j] <= now) if direction == "lowest" else (shown[j] >= now):
            back = len(run) - 1 - j
            if back < options.record_min_gap:
                return None
            return Record(**_about(timeline, run[-1].period, timeline.run_start + j), value=_value(run[-1]),
                          direction=direction, since=run[j], periods_back=back, first=run[0].period)
    if timeline.run_start > 0 or len(run) - 1 < options.record_min_gap:
        return None  # a gap hides what came before; or too short a series to call a record
    return Record(**_about(timeline, run[-1].period, timeline.run_start), value=_value(run[-1]),
                  direction=direction, since=None, periods_back=None, first=run[0].period)


def streak(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Streak | None:
    """Consecutive rises (falls) ending at the latest period, as shown; no change ends a streak."""
    run, shown = timeline.run, timeline.shown
    if len(run) < 2 or shown[-1] == shown[-2]:
        return None
    rising = shown[-1] > shown[-2]
    i = len(run) - 2
    while i >= 1 and shown[i] != shown[i - 1] and (shown[i] > shown[i - 1]) == rising:
        i -= 1
    length = len(run) - 1 - i
    if length < options.min_streak:
        return None
    if i >= 1:
        stopped_by: Literal["direction", "gap", "series_start"] = "direction"
    else:
        stopped_by = "gap" if timeline.run_start > 0 else "series_start"
    return Streak(**_about(timeline, run[-1].period, timeline.run_start + i),
                  direction="rising" if rising else "falling",
                  length=length, start=run[i].period, unit=timeline.unit, stopped_by=stopped_by,
                  special_cause=length + 1 >= options.xmr_run_length)


_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4,
             Frequency.FINANCIAL_YEAR: 1, Frequency.ANNUAL: 1}


class XmrProcess(NamedTuple):
    """The stretch of the run the XmR rules look at, and its limits."""

    start: int
    """Index in ``timeline.run`` where it begins (0 unless the process was rebased)."""
    values: Sequence[Decimal]
    limits: xmr.Limits
    since: Period | None
    """The first period of a rebased process; None when it is the whole run."""


def process(timeline: Timeline, options: FactOptions) -> XmrProcess | None:
    """The current process (from the latest rebase), when it has enough points for XmR claims."""
    start = timeline.process_start(options.xmr_rebase)
    values = timeline.values[start:]
    if len(values) < options.xmr_min_points:
        return None
    return XmrProcess(start, values, timeline.limits(options.xmr_baseline, start),
                    timeline.run[start].period if start else None)


def spike(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Spike | None:
    """Points beyond the XmR limits in the last ``spike_lookback_years`` (three points at least).

    Only the most recent point's side counts. The point stated is the latest
    while the series is still beyond its limit, and the most extreme once it
    has returned: "spiked to 347 in August" misleads when July was 352.
    """
    current = process(timeline, options)
    if current is None:
        return None
    values, lim = current.values, current.limits
    run = timeline.run[current.start:]
    window = range(max(len(values) - max(3, _PER_YEAR.get(timeline.frequency, 1) * options.spike_lookback_years),
                       0), len(values))
    latest = next((i for i in reversed(window) if lim.beyond(values[i]) is not None), None)
    if latest is None:
        return None
    direction = lim.beyond(values[latest])
    beyond = [i for i in window if lim.beyond(values[i]) == direction]
    returned = latest < len(values) - 1
    extreme = max if direction == "high" else min
    stated = extreme(beyond, key=lambda i: (values[i], i)) if returned else latest
    return Spike(**_about(timeline, timeline.run[-1].period, timeline.run_start + current.start),
                 observation=run[stated], direction=direction, mean=lim.mean,
                 lower_limit=lim.lower, upper_limit=lim.upper, returned=returned, since=current.since,
                 beyond=tuple(run[i] for i in beyond), span=beyond[-1] - beyond[0] + 1, unit=timeline.unit)


def shift(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Shift | None:
    """Seven or more points in a row on one side of the XmR mean, ending at the latest."""
    current = process(timeline, options)
    if current is None:
        return None
    side, length = xmr.side_run_at_end(current.values, current.limits.mean)
    if side is None or length < options.xmr_run_length:
        return None
    run = timeline.run
    return Shift(**_about(timeline, run[-1].period, timeline.run_start + current.start), side=side,
                 length=length, start=run[-length].period, mean=current.limits.mean, unit=timeline.unit,
                 since=current.since)


def _observation_for(series: Series, period: Period, *, same_day: bool = False) -> Observation | None:
    """The observation for ``period``; with ``same_day``, for any period ending when it ends (a count at the end)."""
    end, start = period.end, period.start
    for observation in reversed(series.observations):  # the period sought is usually last
        if observation.period.end == end and (same_day or observation.period.start == start):
            return observation
        if observation.period.end < start:
            break
    return None


def _latest_published(series: Series, period: Period, months: int) -> Observation | None:
    """The comparator's latest published figure ending by the end of ``period``, at most ``months`` before it."""
    horizon = period.end.year * 12 + period.end.month - months
    for observation in reversed(series.observations):
        end = observation.period.end
        if end > period.end or observation.value is None:
            continue
        return observation if end.year * 12 + end.month >= horizon else None
    return None


_JUDGEMENTS: dict[tuple[Polarity, Relation], Judgement | None] = {
    (Polarity.LOWER_IS_BETTER, "higher"): "worse", (Polarity.LOWER_IS_BETTER, "lower"): "better",
    (Polarity.HIGHER_IS_BETTER, "higher"): "better", (Polarity.HIGHER_IS_BETTER, "lower"): "worse",
}
"""Better or worse by polarity; a neutral measure, or the same figure, is neither."""


def _relation(own: Decimal, theirs: Decimal, decimals: int) -> Relation:
    """Higher, lower or the same *as published*: rounding can only make near figures equal."""
    difference = own - theirs
    if abs(difference) >= _ONE_UNIT[decimals]:  # rounding half up is monotone: the order stands
        return "higher" if difference > 0 else "lower"
    shown_own, shown_theirs = round_half_up(own, decimals), round_half_up(theirs, decimals)
    return "higher" if shown_own > shown_theirs else "lower" if shown_own < shown_theirs else "same"


_ONE_UNIT = tuple(Decimal(1).scaleb(-places) for places in range(4))


def benchmark(timeline: Timeline, comparators: Sequence[Series],
              options: FactOptions = DEFAULT_OPTIONS) -> Benchmark | None:
    """The council's figure against each comparator's for the same period.

    Compared as published (rounded to the measure's decimals), so a sentence never
    calls 27% "higher" than 27%. A comparator without a published figure for the
    period is listed as unavailable, never read as zero.

    National and neighbour figures lag the council's own by a year or more, so a
    percentage (a share within each period, whatever its length) is compared with
    a named comparator's latest published figure when it has no row for the
    council's period, as council reports do ("higher than the latest available
    figure (2016/17) for England"); the fact records that period and the
    sentence names it. Counts and rates are not: a year's total against five
    months' is no comparison. A measure taken at the end of each period
    (``at_period_end``: children looked after per 10,000) compares with a
    comparator's figure for any period ending the same day, as England's rate
    at 31 March is published for the year to that day.
    """
    current = timeline.latest_value
    if current is None or not comparators:
        return None
    measure = timeline.measure
    own = _value(current)
    comparisons: list[Comparison] = []
    unavailable: list[str] = []
    rows = [SourceRow(timeline.area, current)]
    most = options.max_named_comparators  # named one by one (the council's own series may be in the list)
    named = len(comparators) <= most or (len(comparators) == most + 1
                                         and any(s.area == timeline.area for s in comparators))
    lagging = named and measure.unit is Unit.PERCENT and options.latest_comparator_months > 0
    for series in comparators:
        if series.area == timeline.area:
            continue
        found = _observation_for(series, current.period, same_day=measure.at_period_end)
        period = None
        if found is None and lagging:
            found = _latest_published(series, current.period, options.latest_comparator_months)
            period = found.period if found is not None else None
        if found is None or found.value is None:
            unavailable.append(series.area)
            continue
        relation = _relation(own, found.value, measure.decimals)
        averaged = (len(found.sources), found.group_size) if found.group_size is not None else None
        comparisons.append(Comparison(series.area, found.value, relation,
                                      _JUDGEMENTS.get((measure.polarity, relation)), period, averaged))
        rows.append(SourceRow(series.area, found))
    if not comparisons:
        return None
    about = _about(timeline, current.period, [current])
    about["sources"] = tuple(rows)
    return Benchmark(**about, value=own, comparisons=tuple(comparisons), unavailable=tuple(unavailable),
                     by_rank=len(comparisons) > options.max_named_comparators)


def suppressed(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Suppressed:
    """The latest figure is not published (or absent): say so and name the last one that was."""
    assert timeline.target is not None
    current = timeline.latest
    earlier = timeline.observations[:-1] if current is not None else timeline.observations
    last_published = next((o for o in reversed(earlier) if o.value is not None), None)
    symbol = (current.suppressed or "missing") if current is not None else "missing"
    rows = [o for o in (last_published, current) if o is not None]
    return Suppressed(**_about(timeline, timeline.target, rows), symbol=symbol, last_published=last_published)
