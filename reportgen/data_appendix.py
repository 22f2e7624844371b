"""The "Data behind this report" appendix: every file row a report's published sentences rest on.

A reader checks a printed figure against the file it came from, so each row
names its file and spreadsheet row; the period is named as the sentences name
it and the value keeps the places its file gives, so each rounding can be
checked. An average (statistical neighbours) is followed by every row it
averages, and says how many of its group had no figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

    from reportgen.data.contracts import Frequency
    from reportgen.data.load import Dataset
    from reportgen.data.types import Observation, SourceRef
    from reportgen.metrics.statements import Statement
    from reportgen.style import NumberStyle

AppendixRow = tuple[str, str, str, str, str]
"""(area, period, value, counts, source)."""
AppendixGroup = tuple[str, bool, list[AppendixRow]]
"""A measure's label, whether any of its rows gives counts, and its rows."""


def source_rows(used: Sequence[Statement], dataset: Dataset,
                number_style: NumberStyle | None = None) -> list[AppendixGroup]:
    """Per measure: its label, whether any row gives counts, and the rows every used statement
    rests on as (area, period, value, counts, source).

    Each row once; the council first, then comparators, each in period
    order. A period is named as the statements name it ("September 2023",
    "2021/22"), whatever each file wrote ("Sep-23", "2022"), and the source
    gives the file and row to check it against. A value keeps the decimal
    places its file gives (26.4, 71.0) in en-GB figures (1,486), and "30 of
    112" where the file gives the counts, so a reader can check each
    rounding; an average is followed by every row it averages.
    """
    from reportgen.metrics.formatting import upper_first
    from reportgen.style import NumberStyle

    number_style = number_style or NumberStyle()
    grouped: dict[str, dict[tuple, AppendixRow]] = {}
    for statement in used:
        rows = grouped.setdefault(statement.fact.measure, {})
        frequency = dataset.contract.measure(statement.fact.measure).frequency
        for source in statement.sources:
            obs = source.observation
            key = (source.area != dataset.main_area, source.area, obs.period.end, obs.period.start)
            where = _mean_of(obs) if obs.parts else _row_of(obs.source)
            rows.setdefault(key, _source_row(source.area, obs, where, number_style, frequency))
            for area, part in obs.parts:
                rows.setdefault((*key, area),
                                _source_row(area, part, _row_of(part.source), number_style, frequency))
    return [
        (upper_first(dataset.contract.measure(mid).label), any(row[3] for row in rows.values()),
         [rows[k] for k in sorted(rows)])
        for mid, rows in grouped.items()
    ]


def _source_row(area: str, obs: Observation, where: str, number_style: NumberStyle,
                frequency: Frequency) -> AppendixRow:
    """One row of the appendix: area, the period as the statements name it, value, counts, source."""
    from reportgen.metrics.formatting import period_name, upper_first

    return (area, upper_first(period_name(obs.period, number_style, frequency)), *_as_in_file(obs), where)


def _as_in_file(obs: Observation) -> tuple[str, str]:
    """A value to the places its file gives (26.4, 1,486), or what stood in its place; and its counts
    ("30 of 112")."""
    shown = obs.as_published
    value = _figure(shown) if shown is not None else f"not published ({obs.suppressed})"
    counts = f"{_figure(obs.numerator)} of {_figure(obs.denominator)}" \
        if obs.numerator is not None and obs.denominator is not None else ""
    return value, counts


def _mean_of(obs: Observation) -> str:
    """Where an average comes from: "the mean of the 10 rows below", saying how many of its group had no figure."""
    used = len(obs.sources)
    if obs.group_size is None or used == obs.group_size:
        return f"the mean of the {used} rows below"
    missing = obs.group_size - used
    return (f"the mean of the {used} published figures below; {missing} of the {obs.group_size} "
            f"{'has' if missing == 1 else 'have'} no published figure for this period")


def _figure(value: Decimal) -> str:
    """``value`` in en-GB figures to exactly the decimal places it has: nothing rounded away or added."""
    from reportgen.metrics.formatting import format_number

    return format_number(value, max(0, -int(value.as_tuple().exponent)))


def _row_of(ref: SourceRef) -> str:
    return f"{Path(ref.file).name}, row {ref.row}"
