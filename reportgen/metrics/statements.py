"""Statements: the facts of one series as sentences, with their numbers and sources.

This is the metrics module's public face. ``statements_for`` runs the rules
and the phrasing; each ``Statement`` keeps the sentence, the exact values it
states and every row it rests on, so a report can embed the sentence and list
the data behind it, and ``reportgen statements --json`` can show both.

In JSON every ``Decimal`` is written as a string of its exact value
(``"41.93548387096774193548387097"``), never a float, so no figure changes on
the way out; periods are written as they appeared in the input (``Mar-21``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.data.contracts import Measure
from reportgen.data.symbols import SYMBOLS
from reportgen.data.types import Observation, Period, Series
from reportgen.metrics.facts import (
    DEFAULT_OPTIONS,
    Band,
    Benchmark,
    Change,
    Fact,
    FactOptions,
    Latest,
    Proportion,
    Record,
    Shift,
    SourceRow,
    Spike,
    Streak,
    Suppressed,
)
from reportgen.metrics.phrasing import phrase
from reportgen.metrics.rules import facts_for
from reportgen.style import NumberStyle


@dataclass(frozen=True)
class Statement:
    """One sentence about one measure, with what it says and where that came from."""

    kind: str
    """The fact kind: latest, proportion, change, year_on_year, record, streak, band,
    spike, shift, benchmark or suppressed."""
    text: str
    """The sentence, ready to print."""
    period: Period
    """The period the statement is about."""
    values: Mapping[str, Any]
    """The figures the sentence states, exact (Decimal), keyed as in the JSON output."""
    sources: tuple[SourceRow, ...]
    """Every observation the statement rests on."""
    fact: Fact
    """The fact itself, for templates and summaries that need more than the sentence."""


def statements_for(
    series: Series,
    measure: Measure,
    *,
    comparators: Sequence[Series] = (),
    as_of: Period | None = None,
    number_style: NumberStyle | None = None,
    options: FactOptions = DEFAULT_OPTIONS,
) -> list[Statement]:
    """The statements for ``series`` at ``as_of`` (default: its latest period).

    ``comparators`` are other areas' series of the same measure (England,
    statistical neighbours ...); each is compared for the same period only.
    """
    style = number_style if number_style is not None else NumberStyle()
    facts = facts_for(series, measure, comparators=comparators, as_of=as_of, options=options)
    return [
        Statement(fact.kind, phrase(fact, measure, style), fact.period, _values(fact), fact.sources, fact)
        for fact in facts
    ]


def _period_text(period: Period | None) -> str | None:
    return period.text if period is not None else None


def _value_of(observation: Observation | None) -> Decimal | None:
    return observation.value if observation is not None else None


def _values(fact: Fact) -> dict[str, Any]:
    """The figures a statement states, by kind (the ``values`` object of the JSON)."""
    if isinstance(fact, Latest):
        return {"value": fact.value}
    if isinstance(fact, Proportion):
        return {"value": fact.value, "numerator": fact.numerator, "denominator": fact.denominator,
                "counts_only": fact.counts_only}
    if isinstance(fact, Change):
        return {"previous": fact.previous.value, "current": fact.current.value,
                "absolute_change": fact.absolute_change, "percent_change": fact.percent_change,
                "change_in": "percentage_points" if fact.in_points else "value",
                "previous_period": fact.previous.period.text, "adjacent": fact.adjacent}
    if isinstance(fact, Record):
        return {"value": fact.value, "direction": fact.direction, "since": _period_text(
            fact.since.period if fact.since else None), "since_value": _value_of(fact.since),
            "periods_back": fact.periods_back, "series_began": fact.first.text}
    if isinstance(fact, Streak):
        return {"length": fact.length, "direction": fact.direction, "unit": fact.unit,
                "since": fact.start.text, "stopped_by": fact.stopped_by,
                "special_cause": fact.special_cause}
    if isinstance(fact, Band):
        return {"centre": fact.centre, "tolerance": fact.tolerance,
                "tolerance_in": "percentage_points" if fact.in_points else "percent",
                "lower": fact.lower, "upper": fact.upper, "since": fact.start.text,
                "exceptions": [{"period": o.period.text, "value": o.value} for o in fact.exceptions]}
    if isinstance(fact, Spike):
        return {"value": fact.observation.value, "spike_period": fact.observation.period.text,
                "direction": fact.direction, "mean": fact.mean, "lower_limit": fact.lower_limit,
                "upper_limit": fact.upper_limit, "returned": fact.returned,
                "limits_from": _period_text(fact.since),
                "beyond": [{"period": o.period.text, "value": o.value} for o in fact.beyond]}
    if isinstance(fact, Shift):
        return {"side": fact.side, "length": fact.length, "unit": fact.unit,
                "since": fact.start.text, "mean": fact.mean, "limits_from": _period_text(fact.since)}
    if isinstance(fact, Benchmark):
        return {"value": fact.value, "comparators": [
            {"area": c.area, "value": c.value, "relation": c.relation, "judgement": c.judgement,
             "period": _period_text(c.period) or fact.period.text}
            | ({"with_figures": c.averaged[0], "group_size": c.averaged[1]} if c.averaged is not None else {})
            for c in fact.comparisons], "unavailable": list(fact.unavailable)}
    if isinstance(fact, Suppressed):
        return {"symbol": fact.symbol, "reason": SYMBOLS.get(fact.symbol, "no figure in the data"),
                "last_published": _value_of(fact.last_published),
                "last_published_period": _period_text(
                    fact.last_published.period if fact.last_published else None)}
    raise TypeError(f"no values for fact kind {fact.kind!r}")  # pragma: no cover


def _source(row: SourceRow) -> dict[str, Any]:
    """One row a statement rests on, its value as the file gives it; a computed value (a neighbour
    average) lists its inputs too, and a percentage worked out from its counts gives them."""
    o = row.observation
    found: dict[str, Any] = {"period": o.period.text, "value": o.as_published,
                             "area": row.area, "suppressed": o.suppressed,
                             "file": o.source.file, "row": o.source.row, "column": o.source.column}
    if o.published is not None:
        found |= {"numerator": o.numerator, "denominator": o.denominator, "from_counts": o.value}
    inputs = getattr(o, "sources", ())
    if inputs:
        found["computed_from"] = [{"file": s.file, "row": s.row, "column": s.column} for s in inputs]
    if o.group_size is not None:
        found["group_size"] = o.group_size
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def to_document(statements: Sequence[Statement], *, measure: str, area: str,
                as_of: Period | None) -> dict[str, Any]:
    """The JSON object of ``reportgen statements --json``, with Decimals as exact strings."""
    return {
        "measure": measure,
        "area": area,
        "as_of": _period_text(as_of),
        "statements": [
            {"kind": s.kind, "text": s.text, "period": s.period.text, "values": _jsonable(s.values),
             "sources": [_jsonable(_source(row)) for row in s.sources]}
            for s in statements
        ],
    }


def to_json(statements: Sequence[Statement], *, measure: str, area: str, as_of: Period | None) -> str:
    return json.dumps(to_document(statements, measure=measure, area=area, as_of=as_of),
                      indent=2, ensure_ascii=False)
