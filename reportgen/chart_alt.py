"""Alt text for trend charts, written from what the chart draws and the statements about it.

Screen-reader users should learn what a sighted member sees at a glance:
what the chart is of and over what span, the latest figure and where it
stands (a record?), the trend, how it compares, where the line has gaps and
which points XmR flags. Figures come from the statements themselves (their
sentences, or their facts formatted by the same ``format_value``), so the alt
text never disagrees with the report's text by a rounding.

    Line chart of the number of children looked after, monthly from March 2021
    to March 2022, with England for comparison. The number of children looked
    after was 483 in March 2022, the highest since the series began in March
    2021. Compared with a year earlier, ... an increase of 10%. England: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportgen.chart_data import MAX_GAPS_NAMED, ChartData, chart_data
from reportgen.data.contracts import Frequency, Measure, Unit
from reportgen.data.symbols import SYMBOLS
from reportgen.data.types import Period, PeriodKind, Series
from reportgen.metrics.facts import Benchmark, Record, Shift, Spike
from reportgen.metrics.formatting import format_value, join_words, period_name
from reportgen.metrics.phrasing import area_name, average_of, subject
from reportgen.metrics.precision import shift_places, spike_places, usual_range
from reportgen.style import NumberStyle

if TYPE_CHECKING:
    from reportgen.metrics.statements import Statement

_CADENCE = {Frequency.WEEKLY: "weekly", Frequency.MONTHLY: "monthly", Frequency.QUARTERLY: "quarterly",
            Frequency.FINANCIAL_YEAR: "by financial year", Frequency.ANNUAL: "yearly"}
_HEADLINE_KINDS = ("latest", "proportion", "suppressed")
_TREND_KINDS = ("year_on_year", "change")


def chart_alt_text(
    series: Series,
    measure: Measure,
    statements: Sequence[Statement],
    comparators: Sequence[Series],
    *,
    data: ChartData | None = None,
    periods: int | None = None,
    xmr: bool = False,
    number_style: NumberStyle | None = None,
) -> str:
    """The alt text of the trend chart of ``series`` (``data``: the chart as drawn, when at hand)."""
    style = number_style or NumberStyle()
    if data is None:
        data = chart_data(series, measure, comparators=comparators, xmr=xmr, periods=periods,
                          number_style=style)
    if data.last is None:
        return f"Chart of {subject(measure)}: there are no figures to show yet."
    by_kind = {s.kind: s for s in statements}
    said = [by_kind[k] for k in (next((k for k in _TREND_KINDS if k in by_kind), ""), "streak", "benchmark")
            if k in by_kind]
    told = [_it(s.text, measure) for s in said]  # the headline has named the measure already
    return " ".join([_what(data, style), *_headline(data, by_kind, style), *told,
                     *_comparators(data, by_kind.get("benchmark"), style), *_gaps(data, style),
                     *_xmr(data, style, by_kind.get("spike"), by_kind.get("shift"))])


def _it(text: str, measure: Measure) -> str:
    """A statement with its opening noun phrase ("The number of children looked after") as "it"."""
    named = subject(measure)
    if text.lower().startswith(named):
        return "It" + text[len(named):]
    return text.replace(f", {named} ", ", it ", 1)


def _name(data: ChartData, period: Period, style: NumberStyle) -> str:
    return period_name(period, style, data.frequency)


def _what(data: ChartData, style: NumberStyle) -> str:
    assert data.first is not None and data.last is not None
    about = subject(data.measure)
    where = f" in {data.council.label}" if data.council.label else ""
    first, last = _name(data, data.first, style), _name(data, data.last, style)
    if data.first == data.last:
        return (f"Chart of {about}{where} for {last} only, a single point: "
                "there is not yet enough data for a trend.")
    cadence = _CADENCE.get(data.frequency, "by period")
    full = [p for p in data.council.periods if p is not None and p.kind is not PeriodKind.PART_YEAR]
    if data.last.kind is PeriodKind.PART_YEAR and full and full[-1] != data.first:  # years, then this year so far
        span = f"{cadence} from {first} to {_name(data, full[-1], style)} and a separate point for {last}"
    else:
        span = f"{cadence} from {first} to {last}"
    text = f"Line chart of {about}{where}, {span}"
    if data.comparators:
        text += f", with {join_words([area_name(c.label) for c in data.comparators])} for comparison"
    return text + "."


def _headline(data: ChartData, by_kind: dict[str, Statement], style: NumberStyle) -> list[str]:
    """The latest figure as the statements give it, with the record it sets when there is one."""
    said = next((by_kind[k] for k in _HEADLINE_KINDS if k in by_kind), None)
    if said is None:
        latest = data.council.latest
        if latest is None or latest.value is None:
            return []
        return [f"The latest figure is {format_value(latest.value, data.measure)}, "
                f"for {_name(data, latest.period, style)}."]
    text = said.text
    record = by_kind.get("record")
    if record is not None and said.kind != "suppressed" and isinstance(record.fact, Record):
        fact = record.fact
        since = (_name(data, fact.since.period, style) if fact.since is not None
                 else f"the series began in {_name(data, fact.first, style)}")
        text = f"{text.removesuffix('.')}, the {fact.direction} since {since}."
    return [text]


def _comparators(data: ChartData, benchmark: Statement | None, style: NumberStyle) -> list[str]:
    """The latest figure on the chart of each comparator the benchmark statement does not name."""
    named = {c.area for c in benchmark.fact.comparisons} if benchmark is not None and isinstance(
        benchmark.fact, Benchmark) else set()
    figures = []
    for line in data.comparators:
        if line.area in named or line.latest is None or line.latest.value is None:
            continue
        value = format_value(line.latest.value, data.measure)
        per = " per 10,000 children" if data.measure.unit is Unit.RATE_PER_10K else ""
        group = line.latest.group_size
        partly = average_of(len(line.latest.sources), group) if group is not None else ""
        note = f" ({partly})" if partly else ""
        figures.append(f"{line.label}: {value}{per} in {period_name(line.latest.period, style)}{note}.")
    return figures


def _gaps(data: ChartData, style: NumberStyle) -> list[str]:
    if not data.gaps:
        return []
    names = [_name(data, g.period, style) for g in data.gaps]
    shown = names[:MAX_GAPS_NAMED]
    if len(names) > MAX_GAPS_NAMED:
        shown.append(f"{len(names) - MAX_GAPS_NAMED} other periods")
    reasons = {g.reason for g in data.gaps}
    why = ""
    if len(reasons) == 1:
        reason = next(iter(reasons))
        why = f" ({SYMBOLS[reason]})" if reason in SYMBOLS else ""
    return [f"No figure was published for {join_words(shown)}{why}, so the line has a gap there."]


def _xmr(data: ChartData, style: NumberStyle, spike: Statement | None, shift: Statement | None) -> list[str]:
    layer = data.xmr
    if layer is None:
        return []
    lim = layer.limits
    lower, upper = usual_range(lim.lower, lim.upper, data.measure)
    # The measure's own places, unless the spike or shift sentence gave the limits or mean more.
    places = spike_places(spike.fact, data.measure)[1] if spike and isinstance(spike.fact, Spike) else None
    mean_places = shift_places(shift.fact, data.measure) if shift and isinstance(shift.fact, Shift) else None
    since = f", worked out from {_name(data, layer.since, style)}, when the process changed," \
        if layer.since is not None else ","
    text = (f"The chart also shows the XmR mean ({format_value(lim.mean, data.measure, mean_places)}) "
            f"and process limits{since} "
            f"the usual range of {format_value(lower, data.measure, places)} {style.range_word} "
            f"{format_value(upper, data.measure, places)}.")
    described = {"concern": "special cause of concern", "improvement": "special cause of improvement",
                 "neither": "special cause"}
    said = []
    for signal, words in described.items():
        periods = [p.period for p in layer.special if p.signal == signal]
        if periods:
            flagged = join_words([_name(data, a, style) if a == b else
                                  f"{_name(data, a, style)} {style.range_word} {_name(data, b, style)}"
                                  for a, b in _runs(data, periods)])
            said.append(f"{words}: {flagged}")
    if said:
        text += f" Points marked as {'; as '.join(said)} (a signal, not normal variation)."
    return [text]


def _runs(data: ChartData, flagged: list[Period]) -> list[tuple[Period, Period]]:
    """Flagged periods grouped into runs of consecutive points on the council's line."""
    order = {p: i for i, p in enumerate(data.council.periods) if p is not None}
    runs: list[tuple[Period, Period]] = []
    for period in flagged:
        if runs and order[period] == order[runs[-1][1]] + 1:
            runs[-1] = (runs[-1][0], period)
        else:
            runs.append((period, period))
    return runs
