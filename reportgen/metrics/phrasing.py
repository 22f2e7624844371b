"""Phrasing: one fact in, one en-GB sentence out (ONS and GOV.UK number style).

The sentences follow how council analysts write to committees (seeds 000,
001, 003): "The number of children subject to a child protection plan reduced
to 244, the lowest since July 2018."; "... fell from 62 in 2023/24 to 36 in
2024/25, a decrease of 42%."; "... was 60% in 2014/15, down 9 percentage
points from 69% in 2013/14."

Wording decisions, made once here:

- Subjects: "The number of <label>" (counts), "The percentage of <label>",
  "The rate of <label>" (rates), the label itself (money). Every sentence
  therefore starts with a word, never a numeral.
- Percentages change in percentage points; counts, rates and money in %,
  except from a base below the small-number threshold, where the change is
  given as a number ("an increase of 4"), since "100%" on a base of 4 misleads.
- Changes too small to show at the published precision are "less than 1%"
  or "less than 1 percentage point"; figures equal as published are "little
  changed", never "rose from 27% to 27%".
- A record with nothing earlier at or below it is "the lowest since the
  series began in March 2021": the data, not all of history, is the record.
- Streaks say "for a fourth consecutive month" only when the figure before
  the streak is known to have moved the other way (or held); against a gap
  or the start of the data they say "in each of the last four months".
- Comparators are named as in the data, except generic names such as
  "Statistical neighbours" or "National average", which read in lower case
  mid-sentence ("statistical neighbours (20%)", "the national average (19%)").
  Judgements ("which is worse") are added only when the measure has a polarity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from reportgen.data.contracts import Measure, Unit
from reportgen.data.symbols import SYMBOLS
from reportgen.data.types import Period
from reportgen.metrics.facts import (
    Band,
    Benchmark,
    Change,
    Comparison,
    Fact,
    Latest,
    Proportion,
    Record,
    Shift,
    Spike,
    Streak,
    Suppressed,
)
from reportgen.metrics.formatting import (
    format_count,
    format_number,
    format_points,
    format_value,
    indefinite,
    join_words,
    ordinal,
    period_name,
    period_phrase,
    round_half_up,
    sentence,
    upper_first,
)
from reportgen.metrics.precision import (
    PERCENT_CHANGE_DECIMALS,
    decimal_places,
    places_that_add_up,
    points_as_printed,
    shift_places,
    spike_places,
    usual_range,
)
from reportgen.style import NumberStyle

_GENERIC_AREA_WORDS = ("statistical", "national", "regional", "similar", "comparator")


def subject(measure: Measure) -> str:
    """The noun phrase a sentence opens with (lower case; ``sentence`` capitalises)."""
    if measure.unit is Unit.COUNT:
        return f"the number of {measure.label}"
    if measure.unit is Unit.PERCENT:
        return f"the percentage of {measure.label}"
    if measure.unit is Unit.RATE_PER_10K:
        return f"the rate of {measure.label}"
    return measure.label if not measure.label[:1].isdigit() else f"the figure for {measure.label}"


def said_again(text: str, measure: Measure) -> str:
    """A statement that follows another about the same measure, its subject as "it".

    Six sentences in a row opening "The number of children looked after ..."
    read as a machine's; an analyst names the measure once and goes on with
    "It rose ...", "Compared with a year earlier, it rose ...". Only the
    subject where a sentence opens with it, or after a comma, is replaced;
    a sentence naming it anywhere else ("the data has no figure for ...")
    keeps it whole.
    """
    named = subject(measure)
    if text.startswith(upper_first(named) + " "):
        return "It " + text[len(named) + 1:]
    return text.replace(f", {named} ", ", it ", 1)


def phrase(fact: Fact, measure: Measure, style: NumberStyle) -> str:
    """The sentence stating ``fact``, with its full stop."""
    return sentence(_PHRASERS[fact.kind](_Say(fact, measure, style), fact)) + "."


_REGIONS_WITH_THE = frozenset({"north east", "north west", "east midlands", "west midlands", "east of england",
                               "south east", "south west"})
"""English regions named with "the" ("higher than the North East"); London and
Yorkshire and The Humber are not."""


def area_name(area: str) -> str:
    """An area as named mid-sentence: "England", "the North East", but "statistical neighbours"
    and "the national average"."""
    if area.lower() in _REGIONS_WITH_THE:
        return f"the {area}"
    first = area.split(" ", 1)[0].lower()
    if first not in _GENERIC_AREA_WORDS:
        return area
    common = area[0].lower() + area[1:]
    return f"the {common}" if common.endswith("average") else common


def _plain(value: Decimal) -> str:
    """A number with as many decimals as it has, and no trailing zeros: ``250``, ``4.5``."""
    return format_number(value, decimal_places(value))


class _Say:
    """Formatting bound to one fact's measure, cadence and style, so phrasers read like sentences."""

    def __init__(self, fact: Fact, measure: Measure, style: NumberStyle) -> None:
        self.measure = measure
        self.style = style
        self.frequency = fact.frequency
        self.subject = subject(measure)

    def value(self, value: Decimal | None, places: int | None = None) -> str:
        if value is None:  # pragma: no cover - facts only state published figures
            raise ValueError("an unpublished figure cannot be stated")
        return format_value(value, self.measure, places)

    def round_value(self, value: Decimal) -> str:
        """A round number (a band's centre) with no trailing zeros: ``250``, ``25%``."""
        text = _plain(value)
        if self.measure.unit is Unit.PERCENT:
            return f"{text}%"
        return f"£{text}" if self.measure.unit is Unit.MONEY else text

    def when(self, period: Period) -> str:
        """``in July 2018``, ``in the week ending 9 October 2018``."""
        return period_phrase(period, self.style, self.frequency)

    def name(self, period: Period) -> str:
        """``July 2018``, ``the week ending 9 October 2018``."""
        return period_name(period, self.style, self.frequency)

    def units(self, unit: str, count: int) -> str:
        """``seven months`` (words for one to nine: a count of periods is not the statistic)."""
        return f"{format_count(count, self.style)} {unit}{'' if count == 1 else 's'}"


def _latest(say: _Say, fact: Latest) -> str:
    return f"{say.subject} was {say.value(fact.value)} {say.when(fact.period)}"


def _proportion(say: _Say, fact: Proportion) -> str:
    noun = say.measure.percent_of or say.measure.counts
    if fact.base_suppressed is not None:
        reason = SYMBOLS.get(fact.base_suppressed, "not published")
        return (f"the number of {say.measure.label} was {_plain(fact.numerator)} {say.when(fact.period)}; "
                f"the number of {noun} is not published ({fact.base_suppressed}: {reason}), "
                f"so no percentage is given")
    if fact.counts_only and fact.denominator is not None:
        return (f"the number of {say.measure.label} was {_plain(fact.numerator)} of "
                f"{_plain(fact.denominator)} {noun} {say.when(fact.period)}")
    count = _plain(fact.numerator)
    if fact.denominator is not None:
        count = f"{count} of {_plain(fact.denominator)}"
    return f"{say.subject} was {say.value(fact.value)} ({count} {noun}) {say.when(fact.period)}"


def _less_than_one(decimals: int) -> str:
    return format_number(Decimal(1).scaleb(-decimals), decimals)


def _change(say: _Say, fact: Change) -> str:
    before, now = fact.previous, fact.current
    decimals = say.measure.decimals
    lead = f"compared with a year earlier, {say.subject}" if fact.kind == "year_on_year" else say.subject
    gap = "" if fact.adjacent else "; there is no published figure for the periods in between"
    was, then = f"{say.value(now.value)} {say.when(now.period)}", f"{say.value(before.value)} {say.when(before.period)}"
    if fact.absolute_change == 0:
        return f"{lead} was unchanged at {was}, the same as {say.when(before.period)}{gap}"
    if round_half_up(before.value or Decimal(0), decimals) == round_half_up(now.value or Decimal(0), decimals):
        return f"{lead} was {was}, little changed from {then}{gap}"
    up = fact.absolute_change > 0
    if fact.in_points:
        places = places_that_add_up(now, before, decimals)
        if places != decimals:
            was = f"{format_number(now.value or Decimal(0), places)}% {say.when(now.period)}"
            then = f"{format_number(before.value or Decimal(0), places)}% {say.when(before.period)}"
        points = points_as_printed(now, before, places)
        if points == 0:
            amount = f"less than {_less_than_one(places)} percentage point"
        else:
            amount = format_points(points, places)
        return f"{lead} was {was}, {'up' if up else 'down'} {amount} from {then}{gap}"
    by = f"{'an increase' if up else 'a decrease'} of {_amount(fact, say.measure)}"
    return f"{lead} {'rose' if up else 'fell'} from {then} to {was}, {by}{gap}"


def _amount(fact: Change, measure: Measure) -> str:
    """"42%", "less than 1%", or the number itself from a small or zero base."""
    base = fact.previous.value or Decimal(0)
    small_base = measure.unit is Unit.COUNT and base < measure.small_number_threshold
    if fact.percent_change is None or small_base:
        return format_value(abs(fact.absolute_change), measure)
    shown = round_half_up(abs(fact.percent_change), PERCENT_CHANGE_DECIMALS)
    if shown == 0:
        return f"less than {_less_than_one(PERCENT_CHANGE_DECIMALS)}%"
    return f"{format_number(shown, PERCENT_CHANGE_DECIMALS)}%"


def _record(say: _Say, fact: Record) -> str:
    verb = "reduced" if fact.direction == "lowest" else "increased"
    since = say.name(fact.since.period) if fact.since is not None else f"the series began in {say.name(fact.first)}"
    return f"{say.subject} {verb} to {say.value(fact.value)}, the {fact.direction} since {since}"


def _streak(say: _Say, fact: Streak) -> str:
    moved = "risen" if fact.direction == "rising" else "fallen"
    if fact.stopped_by == "direction":
        nth = indefinite(ordinal(fact.length, say.style))
        return f"{say.subject} has {moved} for {nth} consecutive {fact.unit}"
    if fact.stopped_by == "series_start":
        return f"{say.subject} has {moved} in every {fact.unit} since the series began in {say.name(fact.start)}"
    return (f"{say.subject} has {moved} in each of the last {say.units(fact.unit, fact.length)}, "
            f"since {say.name(fact.start)}; there is no published figure for the {fact.unit} before that")


def _band(say: _Say, fact: Band) -> str:
    if fact.in_points:
        width = f"{_plain(fact.tolerance)} percentage point{'' if fact.tolerance == 1 else 's'}"
    else:
        width = f"{_plain(fact.tolerance)}%"
    text = f"{say.subject} has stayed within {width} of {say.round_value(fact.centre)} since {say.name(fact.start)}"
    if len(fact.exceptions) == 1:
        odd = fact.exceptions[0]
        moved = "rose" if (odd.value or 0) > fact.upper else "fell"
        text += f", apart from {say.name(odd.period)}, when it {moved} to {say.value(odd.value)}"
    elif fact.exceptions:
        named = [f"{say.name(o.period)} ({say.value(o.value)})" for o in fact.exceptions]
        text += f", apart from {join_words(named)}"
    return text


def _spike(say: _Say, fact: Spike) -> str:
    lower, upper = usual_range(fact.lower_limit, fact.upper_limit, say.measure)
    high = fact.direction == "high"
    value = fact.observation.value or Decimal(0)
    value_places, places = spike_places(fact, say.measure)
    usual = (f"{say.value(lower, places)} {say.style.range_word} {say.value(upper, places)}"
             f"{_since_change(say, fact.since)}")
    figure = f"{say.value(value, value_places)} {say.when(fact.observation.period)}"
    side = "above" if high else "below"
    if len(fact.beyond) > 1 and fact.returned:
        first, last = fact.beyond[0].period, fact.beyond[-1].period
        count = len(fact.beyond)
        how_often = (f"for {say.units(fact.unit, count)} in a row" if count == fact.span else
                     f"in {format_count(count, say.style)} of the {say.units(fact.unit, fact.span)}")
        return (f"{say.subject} was {side} its usual range of {usual} {how_often} "
                f"from {say.name(first)} to {say.name(last)}, {'peaking' if high else 'falling'} at {figure}, "
                f"and has since returned to it")
    if fact.returned:
        return (f"{say.subject} {'spiked' if high else 'dipped'} to {figure} "
                f"and has since returned to its usual range of {usual}")
    earlier = [say.name(point.period) for point in fact.beyond[:-1]]
    if not earlier:
        return f"{say.subject} {'rose' if high else 'fell'} to {figure}, {side} its usual range of {usual}"
    if len(fact.beyond) == fact.span:
        return (f"{say.subject} has been {side} its usual range of {usual} for "
                f"{say.units(fact.unit, fact.span)} in a row, since {say.name(fact.beyond[0].period)}, "
                f"and was {figure}")
    return (f"{say.subject} was {figure}, {side} its usual range of {usual}; "
            f"it was also {side} it in {join_words(earlier)}")


def _since_change(say: _Say, since: Period | None) -> str:
    """" (since October 2021)" after a range or average worked out again from a change in the process."""
    return f" (since {say.name(since)})" if since is not None else ""


def _shift(say: _Say, fact: Shift) -> str:
    places = shift_places(fact, say.measure)
    return (f"{say.subject} has been {fact.side} its average of {say.value(fact.mean, places)}"
            f"{_since_change(say, fact.since)} "
            f"for {say.units(fact.unit, fact.length)} in a row, since {say.name(fact.start)}, "
            f"a sign of a real change rather than normal variation")


def _benchmark(say: _Say, fact: Benchmark) -> str:
    lead = f"{say.subject} was {say.value(fact.value)} {say.when(fact.period)}"
    if fact.by_rank:
        return f"{lead}, {_rank(say, fact)}"
    clauses: list[tuple[str, str]] = []
    for relation, words in (("higher", "higher than"), ("lower", "lower than"), ("same", "the same as")):
        members = [c for c in fact.comparisons if c.relation == relation]
        if members:
            named = join_words([f"{area_name(c.area)} ({say.value(c.value)}{_partly(c)})" for c in members])
            judged = f", which is {members[0].judgement}" if members[0].judgement else ""
            clauses.append((relation, f"{words} {named}{judged}"))
    text = clauses[0][1]
    for (before, _), (relation, clause) in zip(clauses, clauses[1:]):
        joined = "but" if {before, relation} == {"higher", "lower"} else "and"
        text += f"{',' if text.endswith(('better', 'worse')) else ''} {joined} {clause}"
    text += _latest_published(say, fact.comparisons)
    if fact.unavailable:
        text += f"; there is no published figure for {join_words([area_name(a) for a in fact.unavailable])}"
    return f"{lead}, {text}"


def average_of(used: int, of: int) -> str:
    """"the average of the 9 of 10 with a published figure": an average some of its group are missing from.

    A councillor reading "statistical neighbours (19%)" takes it as all ten;
    the average is of the figures published, as LAIT takes it, so whatever
    states it says how many that was. "" when the whole group published.
    """
    return f"the average of the {used} of {of} with a published figure" if used < of else ""


def _partly(comparison: Comparison) -> str:
    said = average_of(*comparison.averaged) if comparison.averaged is not None else ""
    return f", {said}" if said else ""


def _latest_published(say: _Say, comparisons: Sequence[Comparison]) -> str:
    """"; the figures for statistical neighbours and England are the latest published, for 2016/17"."""
    by_period: dict[Period, list[str]] = {}
    for c in comparisons:
        if c.period is not None:
            by_period.setdefault(c.period, []).append(area_name(c.area))
    clauses = [f"the figure{'s' if len(areas) > 1 else ''} for {join_words(areas)} "
               f"{'are' if len(areas) > 1 else 'is'} the latest published, for {say.name(period)}"
               for period, areas in by_period.items()]
    return "".join(f"; {clause}" for clause in clauses)


def _rank(say: _Say, fact: Benchmark) -> str:
    """Many comparators (every council in England): where the figure sits among them."""
    higher = sum(c.relation == "higher" for c in fact.comparisons)
    lower = sum(c.relation == "lower" for c in fact.comparisons)
    same = len(fact.comparisons) - higher - lower
    total = len(fact.comparisons)
    among = f"the {total} other areas with a published figure for {say.name(fact.period)}"
    if higher == total:
        return f"higher than all {among}"
    if lower == total:
        return f"lower than all {among}"
    text = f"higher than {higher} and lower than {lower} of {among}"
    return text + (f"; {same} had the same figure" if same else "")


def _suppressed(say: _Say, fact: Suppressed) -> str:
    when = say.when(fact.period)
    if fact.symbol == "missing":
        text = f"the data has no figure for {say.subject} {when}"
    else:
        reason = SYMBOLS.get(fact.symbol, f"marked {fact.symbol!r} in the source")
        text = f"{say.subject} {when} is not published ({reason})"
    if fact.last_published is not None:
        text += (f"; the most recent published figure is {say.value(fact.last_published.value)}, "
                 f"{say.when(fact.last_published.period)}")
    return text


_PHRASERS: dict[str, Callable[..., str]] = {
    "latest": _latest,
    "proportion": _proportion,
    "change": _change,
    "year_on_year": _change,
    "record": _record,
    "streak": _streak,
    "band": _band,
    "spike": _spike,
    "shift": _shift,
    "benchmark": _benchmark,
    "suppressed": _suppressed,
}
