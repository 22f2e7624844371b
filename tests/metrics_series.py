"""Build series for metrics tests in one line each, as an analyst would type them.

``series("cpp_count", "2018-06=250 2018-07=244 2018-08=c")`` gives a Series of
observations with a file and row each; ``27(30/112)`` is a percentage with its
numerator and denominator; a suppression symbol (``c``, ``z``, ``x``, ``k``,
``low``, ``..``) is a value that is not published. EES years (``2025``) are
read as the year ending 31 March.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from reportgen.data.contracts import Measure, load_contract
from reportgen.data.periods import parse_ees_year, parse_period
from reportgen.data.types import Observation, Period, Series, SourceRef

_CELL = re.compile(r"^(?P<value>-?\d+(?:\.\d+)?)(?:\((?P<num>[0-9.]+)(?:/(?P<den>[0-9.]+))?\))?$")


def period(text: str) -> Period:
    return parse_ees_year(text) if re.fullmatch(r"\d{4}", text) else parse_period(text)


def observation(period_text: str, cell: str, row: int = 2, file: str = "test.csv") -> Observation:
    match = _CELL.match(cell)
    source = SourceRef(file, row, "value")
    if match is None:
        return Observation(period(period_text), None, source, suppressed=cell)
    num, den = match["num"], match["den"]
    return Observation(period(period_text), Decimal(match["value"]), source,
                       numerator=Decimal(num) if num else None, denominator=Decimal(den) if den else None)


def series(measure: str, cells: str | Iterable[tuple[str, str]], area: str = "Trafford") -> Series:
    pairs = [tuple(c.split("=", 1)) for c in cells.split()] if isinstance(cells, str) else list(cells)
    return Series(measure, area, tuple(observation(p, v, row=i + 2) for i, (p, v) in enumerate(pairs)))


def months(start: str, values: Iterable[object], measure: str = "cpp_count", area: str = "Trafford") -> Series:
    """Consecutive months from ``start`` (``2017-03``) with the given values."""
    year, month = map(int, start.split("-"))
    pairs = []
    for value in values:
        pairs.append((f"{year}-{month:02d}", str(value)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series(measure, pairs, area)


def measure(measure_id: str, **changes: object) -> Measure:
    """A measure of the default contract, optionally with fields changed."""
    base = load_contract(None).measure(measure_id)
    return base.model_copy(update=changes) if changes else base
