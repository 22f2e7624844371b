"""What a trend chart shows, worked out before anything is drawn: the charts' data stage.

    Series ──window, gaps, XmR──▶ ChartData ──charts._render──▶ SVG + PNG
                                      └──────chart_alt──────▶ alt text

Nothing here imports matplotlib, so the rules (which values are plotted,
where the line breaks, where the y axis starts, which periods get a label)
can be tested as plain data and the alt text describes exactly what is drawn.

**Part years.** A year-to-date figure after full years is plotted as a point
of its own, not joined to them: five months are not a twelfth year.

**Gaps.** A value that is not published (``c``, ``z``, ``missing`` ...) or is
not finite is plotted as NaN, which breaks the line; a period with no row at
all also breaks it (a NaN point is inserted between two observations that do
not follow each other). Nothing unpublished is ever plotted as zero.

**The y axis starts at zero** when the values are not negative and their
spread is at least ``FLAT_SHARE`` (a quarter) of the largest: the line then
still uses a quarter of the plot's height. It also starts at zero when the
council has fewer than ``FEW_POINTS`` figures to show: two or three points
show one or two changes, not a trend, and an axis fitted to them draws a rise
of 12% (180 to 201 children) as several times the height it started at. Otherwise a zero baseline would
flatten the line into a strip along the top (426 to 483 children), so the
axis is fitted to the data with a margin, and the chart says so beside the
unit ("axis does not start at zero"). Comparator lines and drawn XmR limits
count as data. Percentages never run past 100 unless a value does.

**XmR** limits are those the statements use: computed by
``reportgen.metrics.xmr`` over the unbroken run of published figures ending
at the latest (``Timeline.run``), with the same ``FactOptions`` (baseline,
minimum points, run length), from the latest change of process
(``xmr_rebase``) when there is one: the limits start there. With fewer
points than ``xmr_min_points`` the statements claim no signal, so the chart
draws no limits either. Each
flagged point is a concern or an improvement by the measure's polarity, or
neither for a neutral measure, as Making Data Count reads a signal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from babel.dates import format_date

from reportgen.data.contracts import Frequency, Measure, Polarity, Unit
from reportgen.data.periods import shift_period
from reportgen.data.types import Observation, Period, PeriodKind, Series
from reportgen.metrics import xmr as xmr_rules
from reportgen.metrics.facts import DEFAULT_OPTIONS, FactOptions
from reportgen.metrics.formatting import LOCALE, format_number, format_value, period_name
from reportgen.metrics.rules import process
from reportgen.metrics.timeline import Timeline, like_for_like
from reportgen.style import NumberStyle

FLAT_SHARE = 0.25
"""A zero-based axis is used when the data's spread is at least this share of its largest value."""
FEW_POINTS = 4
"""Fewer of the council's figures than this and the axis starts at zero whatever their spread."""
MARGIN_SHARE = 0.12
"""Space above and below the data, as a share of its spread, when the axis is fitted to the data."""
MAX_GAPS_NAMED = 4
"""Gaps named one by one in the alt text; more are counted."""
DEFAULT_AREA = "Council"
"""The loader's name for the council's own rows when the files do not name it (``reportgen.data.load``)."""

NAN = float("nan")


@dataclass(frozen=True)
class Line:
    """One area's line: x as day ordinals of each period's end, y as floats (NaN: a gap)."""

    area: str
    """The area as the data names it."""
    label: str
    """The name shown in the legend (the council's full name for the default area)."""
    x: tuple[float, ...]
    y: tuple[float, ...]
    periods: tuple[Period | None, ...]
    """The period of each point; None for a point inserted to break the line at missing periods."""
    latest: Observation | None
    """The last published observation in the window (labelled with its value on the council's line)."""

    def points(self) -> list[tuple[float, float]]:
        """The plotted (x, y) points, gaps left out."""
        return [(x, y) for x, y in zip(self.x, self.y) if not math.isnan(y)]


Signal = Literal["improvement", "concern", "neither"]


class SpecialPoint(NamedTuple):
    """A point an XmR rule flags, and what its signal means for the measure (Making Data Count)."""

    x: float
    y: float
    period: Period
    signal: Signal
    """``improvement`` or ``concern`` by the measure's polarity; ``neither`` for a neutral measure."""


@dataclass(frozen=True)
class XmrLayer:
    """XmR mean and process limits over the run shown, and the special-cause points in the window."""

    limits: xmr_rules.Limits
    x_from: float
    x_to: float
    show_lower: bool
    """False when the lower limit is below zero (no measure here can be): it is not drawn."""
    show_upper: bool
    """False for a percentage whose upper limit is above 100."""
    special: tuple[SpecialPoint, ...]
    """Each point any rule flags, within the window."""
    since: Period | None = None
    """The first period of a rebased process (limits drawn from there); None: the whole run."""
    change_x: float | None = None
    """Where to mark the change of process: halfway between the last point before it and
    the first after; None when there is no change, or it lies before the window."""


@dataclass(frozen=True)
class Gap:
    """Periods with no published figure inside the window, named for the alt text."""

    period: Period
    reason: str
    """The suppression symbol, or ``missing`` (no row for that period)."""


@dataclass(frozen=True)
class ChartData:
    """Everything a trend chart draws, as data."""

    measure: Measure
    council: Line
    comparators: tuple[Line, ...]
    xmr: XmrLayer | None
    frequency: Frequency
    """The council series' cadence, as the statements see it."""
    first: Period | None
    last: Period | None
    gaps: tuple[Gap, ...]
    y_range: tuple[float, float]
    from_zero: bool
    ticks: tuple[tuple[float, str], ...]
    """Labelled x positions (thinned so labels do not overlap), the latest period always among them."""
    all_x: tuple[float, ...]
    """Every period of the council's window (minor ticks)."""
    x_range: tuple[float, float]


def chart_data(
    series: Series,
    measure: Measure,
    *,
    comparators: Sequence[Series] = (),
    xmr: bool = False,
    periods: int | None = None,
    options: FactOptions = DEFAULT_OPTIONS,
    number_style: NumberStyle | None = None,
    council: str | None = None,
    axis_width_cm: float = 13.5,
    label_pt: float = 10.0,
) -> ChartData:
    """Lay out ``series`` (its last ``periods`` periods) with its comparators over the same span."""
    style = number_style or NumberStyle()
    timeline = Timeline.of(series, measure)
    start = 0 if periods is None else max(0, len(timeline.observations) - periods)
    window = timeline.observations[start:]
    name = council if council and series.area == DEFAULT_AREA else series.area
    line = _line(series.area, name, window, timeline.adjacent[start:])
    first, last = (window[0].period, window[-1].period) if window else (None, None)
    lines = []
    if first is not None and last is not None:
        for other in comparators:
            shown = Timeline.of(other, measure)
            keep = [i for i, o in enumerate(shown.observations) if first.start <= o.period.end <= last.end]
            if keep:
                obs = shown.observations[keep[0]:keep[-1] + 1]
                lines.append(_line(other.area, other.area, obs, (False, *shown.adjacent[keep[0] + 1:keep[-1] + 1])))
    layer = _xmr_layer(timeline, start, measure, options) if xmr else None
    y_range, from_zero = y_axis([*line.y, *(y for c in lines for y in c.y), *_drawn_limits(layer)], measure.unit,
                                few=sum(math.isfinite(y) for y in line.y) < FEW_POINTS)
    gaps = tuple(_gaps(window, timeline.adjacent[start:]))
    every = sorted({o.period for o in window} | {g.period for g in gaps})  # missing rows get a tick too
    all_x = tuple(float(p.end.toordinal()) for p in every)
    return ChartData(
        measure=measure, council=line, comparators=tuple(lines), xmr=layer, frequency=timeline.frequency,
        first=first, last=last, gaps=gaps, y_range=y_range, from_zero=from_zero,
        ticks=x_ticks(every, style, axis_width_cm, label_pt), all_x=all_x,
        x_range=_x_range(all_x, timeline.frequency),
    )


def latest_label(data: ChartData) -> str:
    """The council's latest published figure as the statements write it; a small cohort's as its count."""
    latest = data.council.latest
    if latest is None or latest.value is None:
        return ""
    m = data.measure
    if m.unit is Unit.PERCENT and latest.numerator is not None and latest.denominator is not None \
            and latest.denominator < m.small_number_threshold:  # as the proportion statement says it
        return f"{format_number(latest.numerator)} of {format_number(latest.denominator)}"
    return format_value(latest.value, m)


def value_of(observation: Observation) -> float:
    """The value to plot: NaN when not published or not finite (never zero)."""
    value = observation.value
    if value is None or not value.is_finite():
        return NAN
    return float(value)


def _line(area: str, label: str, observations: Sequence[Observation], adjacent: Sequence[bool]) -> Line:
    xs: list[float] = []
    ys: list[float] = []
    ps: list[Period | None] = []
    for i, o in enumerate(observations):
        x = float(o.period.end.toordinal())
        # Break the line halfway where periods are missing, or where a part year follows full years.
        if i and (not adjacent[i] or not like_for_like(observations[i - 1].period, o.period)):
            xs.append((xs[-1] + x) / 2)
            ys.append(NAN)
            ps.append(None)
        xs.append(x)
        ys.append(value_of(o))
        ps.append(o.period)
    latest = next((o for o in reversed(observations) if not math.isnan(value_of(o))), None)
    return Line(area, label, tuple(xs), tuple(ys), tuple(ps), latest)


def _xmr_layer(timeline: Timeline, start: int, measure: Measure, options: FactOptions) -> XmrLayer | None:
    """The statements' XmR limits (same run, process, baseline and rules), cut to the window."""
    if any(not v.is_finite() for v in timeline.values):
        return None
    current = process(timeline, options)
    if current is None:
        return None
    run = timeline.run[current.start:]
    limits = current.limits
    sides = xmr_rules.special_cause_sides(current.values, limits, options.xmr_run_length)
    first_shown = max(timeline.run_start + current.start, start) - timeline.run_start - current.start
    points = tuple(SpecialPoint(float(run[i].period.end.toordinal()), float(current.values[i]), run[i].period,
                                _signal(side, measure.polarity))
                   for i, side in sides.items() if i >= first_shown)
    x_from = float(run[first_shown].period.end.toordinal())
    change_x = None
    before = timeline.run_start + current.start - 1  # the observation just before the change
    if current.since is not None and first_shown == 0 and before >= start:
        change_x = (float(timeline.observations[before].period.end.toordinal()) + x_from) / 2
    return XmrLayer(limits, x_from, float(run[-1].period.end.toordinal()),
                    show_lower=limits.lower >= 0,
                    show_upper=measure.unit is not Unit.PERCENT or limits.upper <= 100,
                    special=points, since=current.since, change_x=change_x)


def _signal(side: xmr_rules.Side, polarity: Polarity) -> Signal:
    """A high or low signal as Making Data Count reads it: good or bad news by polarity, or neither."""
    if polarity is Polarity.NEUTRAL:
        return "neither"
    return "improvement" if (side == "high") == (polarity is Polarity.HIGHER_IS_BETTER) else "concern"


def _drawn_limits(layer: XmrLayer | None) -> list[float]:
    if layer is None:
        return []
    drawn = [float(layer.limits.mean)]
    if layer.show_lower:
        drawn.append(float(layer.limits.lower))
    if layer.show_upper:
        drawn.append(float(layer.limits.upper))
    return drawn


def y_axis(values: Sequence[float], unit: Unit, *, few: bool = False) -> tuple[tuple[float, float], bool]:
    """The y range to show and whether it starts at zero (the rule in the module docstring)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 1.0), True
    low, high = min(finite), max(finite)
    if low >= 0 and (few or high == low or high - low >= FLAT_SHARE * high):  # a flat line has nothing to flatten
        top = high * 1.1 if high > 0 else 1.0
        return (0.0, min(top, 100.0) if unit is Unit.PERCENT and high <= 100 else top), True
    spread = high - low if high > low else max(abs(high) * 0.1, 1.0)
    bottom, top = low - spread * MARGIN_SHARE, high + spread * MARGIN_SHARE * 1.5  # room for the latest label
    if low >= 0 and bottom <= 0:
        return (0.0, top), True
    if unit is Unit.PERCENT and high <= 100:
        top = min(top, 100.0)
    return (bottom, top), False


def _x_range(xs: Sequence[float], frequency: Frequency) -> tuple[float, float]:
    """The x span with half a step of room at the left and a step at the right (for the latest label)."""
    if len(xs) >= 2:
        step = min(b - a for a, b in zip(xs, xs[1:]))
    else:
        step = {Frequency.WEEKLY: 7.0, Frequency.MONTHLY: 30.0, Frequency.QUARTERLY: 91.0}.get(frequency, 365.0)
    if not xs:
        return (0.0, 1.0)
    return (xs[0] - step * 0.6, xs[-1] + step * 0.9)


def tick_label(period: Period, style: NumberStyle) -> tuple[str, str]:
    """A period's axis label as (first line, year line): ("Mar", "2021"), ("2018/19", "")."""
    if period.kind is PeriodKind.MONTH:
        return short_month(period.end), str(period.end.year)
    if period.kind in (PeriodKind.QUARTER, PeriodKind.PART_YEAR):
        return f"{short_month(period.start)}–{short_month(period.end)}", str(period.end.year)
    if period.kind is PeriodKind.DAY:
        return f"{period.end.day} {short_month(period.end)}", str(period.end.year)
    return period_name(period, style), ""


def short_month(day: date) -> str:
    """The month as ONS house style shortens it where space is short: "Mar", "Sept", but "June" and "July" whole."""
    return format_date(day, "MMMM" if day.month in (6, 7) else "MMM", locale=LOCALE)


_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120)


def x_ticks(periods: Sequence[Period], style: NumberStyle, axis_width_cm: float,
            label_pt: float) -> tuple[tuple[float, str], ...]:
    """Labels for every ``k``-th period, counted back from the latest, with ``k`` as small as fits.

    A label's width is estimated from its characters (Liberation Sans digits are
    0.556 em; 0.6 em with spacing is safe); the year line appears under the
    first label and wherever the year changes ("Mar / 2021, May, Jul ... Jan / 2022").
    """
    if not periods:
        return ()
    labels = [tick_label(p, style) for p in periods]
    em_cm = label_pt / 72 * 2.54
    widest = max(len(text) for pair in labels for text in pair) * 0.6 * em_cm + 0.35
    step = next((k for k in _STEPS if math.ceil(len(periods) / k) * widest <= axis_width_cm), _STEPS[-1])
    chosen = list(range(len(periods) - 1, -1, -step))[::-1]
    ticks = []
    year_shown = ""
    for i in chosen:
        text, year = labels[i]
        if year and year != year_shown:
            text, year_shown = f"{text}\n{year}", year
        ticks.append((float(periods[i].end.toordinal()), text))
    return tuple(ticks)


def _gaps(window: Sequence[Observation], adjacent: Sequence[bool]) -> list[Gap]:
    gaps: list[Gap] = []
    for i, o in enumerate(window):
        if i and not adjacent[i]:
            missing = window[i - 1].period
            for _ in range(60):  # the periods with no row between two observations
                missing = shift_period(missing, 1)
                if missing.end >= o.period.end or missing.kind is not o.period.kind:
                    break
                gaps.append(Gap(missing, "missing"))
        if math.isnan(value_of(o)):
            gaps.append(Gap(o.period, o.suppressed or ("not finite" if o.value is not None else "missing")))
    return gaps
