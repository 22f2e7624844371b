"""The monthly performance report: per measure, a judgement, a trend chart, a table and the statements.

Members asked for trends and status, not tables alone ("no trends being
displayed"; RAG and direction of travel asked for). Everything a page says
about a measure is worked out here, from the facts and the measure's
polarity, into a ``MeasureView`` the template lays out. Colour is never the
only signal: every status and direction has a word and a symbol too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from reportgen import model as m

if TYPE_CHECKING:
    from reportgen.data.contracts import Measure
    from reportgen.data.types import Observation, Series
    from reportgen.metrics.statements import Statement
    from reportgen.report_data import ReportData
    from reportgen.spec import TableSpec
    from reportgen.style import HouseStyle, NumberStyle

Judgement = Literal["improved", "worsened", "stable", "changed", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureSpec(_Strict):
    """One measure in ``performance.measures``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    target: Decimal | None = None
    """The target, in the measure's unit; status is judged against it with the measure's polarity."""
    compare_with: str | None = None
    """Without a target, judge status against this comparator ("England", "Statistical neighbours")."""
    amber_within: Decimal = Field(Decimal(5), ge=0)
    """How far on the wrong side still counts as "close" (amber): % of the target, or points for a
    percentage's target; against a comparator, % of its figure whatever the unit, since "Slightly
    worse than England" says the gap is small beside England's figure."""
    xmr: bool = True
    """Draw the XmR mean and process limits on the chart."""
    commentary: str | None = None
    """The officer's commentary (Markdown), printed after the generated statements."""


class PerformanceSpec(_Strict):
    measures: list[MeasureSpec] = Field(min_length=1)
    periods: int = Field(13, ge=2, le=60)
    """How many periods the table and chart show (13 months shows the same month a year ago)."""
    stable_within: Decimal = Field(Decimal(2), ge=0)
    """A change smaller than this (% for counts and rates, points for percentages), as its sentence
    prints it, counts as stable; so does one the sentence calls unchanged or little changed."""


@dataclass(frozen=True)
class Status:
    level: Literal["green", "amber", "red", "none"]
    symbol: str
    words: str


@dataclass(frozen=True)
class Direction:
    judgement: Judgement
    symbol: str
    words: str
    statement: Statement | None


@dataclass(frozen=True)
class MeasureView:
    """What the performance report says about one measure."""

    spec: MeasureSpec
    measure: Measure
    statements: list[Statement]
    direction: Direction
    status: Status
    figure: m.Image | None
    """The trend chart; None when there are fewer than two published figures."""
    sentences: list[str]
    """The statements as the page prints them: the measure named in the first, "it" after."""
    caption: str
    """The chart's caption: what it shows, for whom, beside whom ("..., Gateshead, with England and the North East")."""
    table: TableSpec


def measure_views(spec: PerformanceSpec, data: ReportData, style: HouseStyle, *,
                  raster: bool = True) -> list[MeasureView]:
    """Each measure's statements, status, chart and table; ``raster`` draws the charts' PNG for Word."""
    from reportgen.charts import trend_chart

    views = []
    for item in spec.measures:
        measure = data.measure(item.id)
        series = data.series(item.id)
        comparators = data.comparators(measure)
        made = data.statements(item.id)
        published = [o for o in _window(series, measure, spec.periods) if o.value is not None]
        figure, caption = None, ""
        if len(published) >= 2:
            chart = trend_chart(series, measure, style, comparators=comparators, statements=made,
                                xmr=item.xmr, periods=spec.periods, raster=raster, options=data.fact_options(item.id))
            figure, caption = chart.image(), _caption(measure, series.area, chart.compared_with, chart.with_limits)
        views.append(MeasureView(
            spec=item, measure=measure, statements=made,
            direction=direction(made, measure, spec.stable_within, style.numbers),
            status=status(item, measure, made, style.numbers),
            sentences=_in_turn([data.statement(item.id, s.kind) for s in made], measure),
            figure=figure, caption=caption, table=trend_table(series, measure, spec.periods, style.numbers),
        ))
    return views


def _in_turn(texts: list[str], measure: Measure) -> list[str]:
    """The first statement names the measure; each one after it says "it" (``phrasing.said_again``)."""
    from reportgen.metrics.phrasing import said_again

    return texts[:1] + [said_again(text, measure) for text in texts[1:]]


def _caption(measure: Measure, area: str, compared_with: tuple[str, ...], xmr: bool) -> str:
    """"Children looked after per 10,000 children, Gateshead, with England, the North East and statistical
    neighbours": the caption names every line the chart draws, not only the council's, and the usual
    range only where it is drawn (``xmr``), not wherever it was asked for."""
    from reportgen.metrics.formatting import join_words, upper_first
    from reportgen.metrics.phrasing import area_name

    caption = f"{upper_first(measure.label)}, {area}"
    if compared_with:
        caption += f", with {join_words([area_name(name) for name in compared_with])}"
    return caption + (", and the usual range (XmR process limits)" if xmr and compared_with
                      else ", with the usual range (XmR process limits)" if xmr else "")


def _window(series: Series, measure: Measure, periods: int) -> list[Observation]:
    """The last ``periods`` figures as the statements and chart lay them out (a superseded part year left out)."""
    from reportgen.metrics.timeline import Timeline

    return list(Timeline.of(series, measure).observations[-periods:])


def direction(made: list[Statement], measure: Measure, stable_within: Decimal,
              number_style: NumberStyle | None = None) -> Direction:
    """Improving, worsening or stable over a year (or since the last period), by the measure's polarity.

    The words name the period compared with ("Worsening compared with September
    2017"): beside a sentence saying the figure fell since last month, a bare
    "Worsening" reads as a contradiction. A year to date set against the full
    year before is judged like any change, but says so: a few months can still turn.
    """
    from reportgen.metrics.formatting import period_name
    from reportgen.metrics.precision import change_as_printed
    from reportgen.metrics.timeline import like_for_like
    from reportgen.style import NumberStyle

    chosen = next((s for s in made if s.kind == "year_on_year"), None) or \
        next((s for s in made if s.kind == "change"), None)
    missing = _no_figure(made, measure, number_style)
    if missing is not None:  # there is no trend to a figure that is not there
        return Direction("unknown", "–", missing, None)
    if chosen is None:
        return Direction("unknown", "–", "Not enough data for a trend yet", None)
    fact = chosen.fact
    basis = f" compared with {period_name(fact.previous.period, number_style or NumberStyle(), measure.frequency)}"
    if not like_for_like(fact.previous.period, fact.current.period):
        basis += " (year to date)"
    size = change_as_printed(fact, measure)  # as the sentence beside it prints it; None: from zero
    if size is not None and (size == 0 or size < stable_within):
        return Direction("stable", "→", f"Stable{basis}", chosen)
    up = fact.absolute_change > 0
    arrow = "↑" if up else "↓"
    polarity = measure.polarity.value
    if polarity == "neutral":
        return Direction("changed", arrow, f"{'Up' if up else 'Down'}{basis}", chosen)
    better = up == (polarity == "higher_is_better")
    words = "Improving" if better else "Worsening"
    return Direction("improved" if better else "worsened", arrow, f"{words}{basis}", chosen)


GREEN = Status("green", "●", "On target")
AMBER = Status("amber", "▲", "Close to target")
RED = Status("red", "■", "Off target")


def status(item: MeasureSpec, measure: Measure, made: list[Statement],
           number_style: NumberStyle | None = None) -> Status:
    """RAG against the target, else against the named comparator, judged on the figures the statements give.

    The council's figure is the one the statements state as current (never an
    older one when the latest is suppressed), and the comparator's is the one
    the benchmark statement compares it with: its own period's, or for a
    percentage its latest published, which the status then names
    ("Worse than England's 2016/17 figure"). Both are judged as published,
    rounded half up to the measure's places, as the sentences print them: 23.2%
    against England's 23.4% is "Same as England" beside "the same as England
    (23%)", and 250.4 against a target of 250 is on target beside "was 250".
    The status and the sentences beside it cannot disagree.

    Amber is a figure worse by no more than ``amber_within``: against a
    target, % of it (points for a percentage, as committees set percentage
    targets); against a comparator, % of the comparator's figure for every
    unit. Points there made 26% against England's 23%, 13% worse, "Slightly
    worse than England", while a rate 6% worse was "Worse than England".
    """
    from reportgen.metrics.facts import Benchmark, Latest, Proportion
    from reportgen.metrics.formatting import period_name, round_half_up
    from reportgen.style import NumberStyle

    number_style = number_style or NumberStyle()
    facts = [s.fact for s in made]
    current = next((f for f in facts if isinstance(f, (Latest, Proportion))), None)
    if current is None:
        return Status("none", "", _no_figure(made, measure, number_style) or "No published figure")
    if measure.polarity.value == "neutral":
        return Status("none", "", "No target: shown for context")
    goal, against, comparator = item.target, "target", False
    if goal is None and item.compare_with:
        compared = next((f for f in facts if isinstance(f, Benchmark)), None)
        found = next((c for c in compared.comparisons if c.area.lower() == item.compare_with.lower()),
                     None) if compared is not None else None
        if found is None:
            return Status("none", "", f"No {item.compare_with} figure for "
                          f"{period_name(current.period, number_style, measure.frequency)}")
        goal, against, comparator = round_half_up(found.value, measure.decimals), item.compare_with, True
        if found.period is not None:
            against += f"'s {period_name(found.period, number_style, measure.frequency)} figure"
    if goal is None:
        return Status("none", "", "No target set")
    shown = round_half_up(current.value, measure.decimals)
    higher_is_better = measure.polarity.value == "higher_is_better"
    shortfall = (goal - shown) if higher_is_better else (shown - goal)
    if shortfall == 0 and comparator:
        return Status(GREEN.level, GREEN.symbol, f"Same as {against}")
    if shortfall <= 0:
        return _versus(GREEN, against)
    in_points = measure.unit.value == "percent" and not comparator
    allowance = item.amber_within if in_points else abs(goal) * item.amber_within / 100
    return _versus(AMBER if shortfall <= allowance else RED, against)


def _no_figure(made: list[Statement], measure: Measure, number_style: NumberStyle | None) -> str | None:
    """"No published figure for June 2022" when the statements say the figure is missing or suppressed."""
    from reportgen.metrics.facts import Suppressed
    from reportgen.metrics.formatting import period_name
    from reportgen.style import NumberStyle

    missing = next((s.fact for s in made if isinstance(s.fact, Suppressed)), None)
    if missing is None:
        return None
    return f"No published figure for {period_name(missing.period, number_style or NumberStyle(), measure.frequency)}"


def _versus(level: Status, against: str) -> Status:
    """Status words against a comparator; amber is "Slightly worse", as the sentence beside it says "worse".

    "Close to England" read as a near-match beside "higher than England
    (23%), which is worse": amber against a comparator is a figure worse by
    no more than ``amber_within``, and the words say which side it is on.
    """
    if against == "target":
        return level
    words = {"green": f"Better than {against}", "amber": f"Slightly worse than {against}",
             "red": f"Worse than {against}"}
    return Status(level.level, level.symbol, words[level.level])


def trend_table(series: Series, measure: Measure, periods: int, number_style: NumberStyle | None = None
                ) -> TableSpec:
    """The last ``periods`` figures beside the same period a year earlier; small cohorts as counts."""
    from reportgen.data.periods import same_period_last_year
    from reportgen.metrics.formatting import format_value, period_name, upper_first
    from reportgen.spec import TableSpec
    from reportgen.style import NumberStyle

    number_style = number_style or NumberStyle()
    by_period = {o.period: o for o in series.observations}
    notes: dict[str, str] = {}

    def shown(obs: Observation | None) -> str:
        if obs is None or obs.value is None:
            symbol = obs.suppressed if obs is not None and obs.suppressed else "missing"
            if symbol == "missing":  # a blank, or a period the data does not reach (a year before it starts)
                notes[symbol] = "–: no figure published for that period"
                return "–"
            notes[symbol] = f"{symbol}: {_meaning(symbol)}"
            return symbol
        if measure.unit.value == "percent" and obs.denominator is not None and obs.numerator is not None \
                and obs.denominator < measure.small_number_threshold:
            notes["~small"] = (f"Where fewer than {measure.small_number_threshold} "
                               f"{measure.percent_of or 'cases'} are counted, the count is shown, not a percentage.")
            return f"{obs.numerator:f} of {obs.denominator:f}"
        return format_value(obs.value, measure)

    rows = [[upper_first(period_name(obs.period, number_style, measure.frequency)), shown(obs),
             shown(by_period.get(same_period_last_year(obs.period)))]
            for obs in _window(series, measure, periods)]
    return TableSpec(caption=f"{upper_first(measure.label)}, {series.area}: the last {len(rows)} figures",
                     columns=["Period", "Figure", "Same period a year earlier"], rows=rows,
                     align=["left", "right", "right"], notes=[notes[k] for k in sorted(notes)])


def _meaning(symbol: str) -> str:
    from reportgen.data.symbols import SYMBOLS

    return SYMBOLS.get(symbol, "not published")


def summary_groups(views: list[MeasureView]) -> dict[Judgement, list[MeasureView]]:
    """The executive summary's groups, in the order members read them."""
    groups: dict[Judgement, list[MeasureView]] = {k: [] for k in ("worsened", "improved", "stable", "changed",
                                                                   "unknown")}
    for view in views:
        groups[view.direction.judgement].append(view)
    return groups
