"""Statistical neighbours: the average of a council's ten most similar councils, per period.

A comparator series derived from loaded data, as the DfE's LAIT tool and
councils' own reports present it ("higher than statistical neighbours
(20%)"). The neighbours come from the DfE's statistical neighbour model
(``ees/sn_model_2025_wide.csv``: one row per council, ``SN_1`` ... ``SN_10``
holding the old LA codes of its neighbours, nearest first).
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from reportgen.data.load import Dataset
from reportgen.data.read import ROW, Table, read_table
from reportgen.data.types import Observation, Period, Series, SourceRef
from reportgen.errors import DataError, Problem

NEIGHBOURS_AREA = "Statistical neighbours"
NEIGHBOUR_COLUMNS = tuple(f"SN_{i}" for i in range(1, 11))
_MODEL_COLUMNS = ("old_la_code", "la_name", *NEIGHBOUR_COLUMNS)

log = logging.getLogger(__name__)


def neighbour_average(dataset: Dataset, measure: str, la_name: str, sn_file: Path) -> Series:
    """The mean of ``la_name``'s statistical neighbours' published values of ``measure``, per period.

    The DfE method: a simple mean of the values the neighbours published
    (not a pooled rate); a neighbour whose value is suppressed (``c``, ``x``
    ...) or absent for a period is left out of that period's mean, and
    ``observation.sources`` lists the cells that were used, so
    ``len(sources)`` is how many neighbours it averages, of
    ``observation.group_size`` in the model (a statement says "the average
    of the 9 of 10 with a published figure"); ``observation.parts`` also
    holds the rows of the neighbours left out for a symbol, so the appendix
    shows why. A period where no neighbour published is not published
    itself (``suppressed="missing"``).

    Rounding: the mean is computed exactly in Decimal and rounded half up to
    one decimal place more than the most precise value averaged (whole-number
    rates give 1 decimal place; percentages published to 1 place give 2).
    With at most ten neighbours, that never changes whether the council's
    figure (published to the same precision) is above, below or equal to the
    mean, and the facts layer rounds it further for display.

    Neighbours are named through the EES files' ``old_la_code``/``la_name``
    columns, falling back to the model file's own ``la_name``.
    ``observation.source`` points at the council's row of the model file.
    """
    sn_path = Path(sn_file)
    table = _read_model(sn_path)
    row = _row_for(table, la_name)
    if row is None:
        raise DataError([_no_row(table, la_name)])
    names = _names(table)
    codes = table.frame[table.column("old_la_code")].str.strip()
    neighbour_codes = [code for c in NEIGHBOUR_COLUMNS if (code := str(row[table.column(c)]).strip())]
    by_code = dict(zip(codes, names, strict=True)) | dataset.area_codes()
    series_list = []
    for code in neighbour_codes:
        name = by_code.get(code)
        if name is None or name not in dataset.areas(measure):
            log.warning("statistical neighbour %s (%s) of %s has no %s data; averaging the others",
                        code, name or "unknown code", la_name, measure)
            continue
        series_list.append(dataset.series(measure, name))

    model_ref = SourceRef(str(sn_path), int(row[ROW]), f"{NEIGHBOUR_COLUMNS[0]} to {NEIGHBOUR_COLUMNS[-1]}")
    by_period: dict[tuple[object, object], list[tuple[str, Observation]]] = {}
    first_seen: dict[tuple[object, object], Period] = {}
    for series in series_list:
        for obs in series.observations:
            key = (obs.period.start, obs.period.end)
            first_seen.setdefault(key, obs.period)
            by_period.setdefault(key, []).append((series.area, obs))
    observations = []
    for key in sorted(by_period, key=lambda k: (k[1], k[0])):
        published = [o for _, o in by_period[key] if o.value is not None]
        observations.append(Observation(
            period=first_seen[key],
            # The mean of the figures as published, as LAIT takes it, and as the appendix lists them.
            value=_mean([o.as_published for o in published if o.as_published is not None]),
            source=model_ref,
            suppressed=None if published else "missing",
            sources=tuple(o.source for o in published),
            parts=tuple(by_period[key]),
            group_size=len(neighbour_codes),
        ))
    return Series(measure, NEIGHBOURS_AREA, tuple(observations))


def not_in_model(sn_file: Path, la_name: str) -> Problem | None:
    """Why ``la_name`` has no statistical neighbours in the model ``sn_file``; None when it has a row.

    The model lists the councils that existed when it was made, so one
    abolished before then has no row, though older data has its figures
    (the 2025 model has neither Cumbria nor Northamptonshire). Whether that
    stops a command is the command's to say: a report that names the model
    is refused, ``reportgen statements --neighbours`` warns and goes on.
    """
    table = _read_model(Path(sn_file))
    return None if _row_for(table, la_name) is not None else _no_row(table, la_name)


def _read_model(sn_path: Path) -> Table:
    table = read_table(sn_path, [_MODEL_COLUMNS])
    missing = [c for c in _MODEL_COLUMNS if table.column(c) is None]
    if missing:
        raise DataError([Problem(str(sn_path), f"header (row {table.header_row})",
                                 f"missing columns {', '.join(missing)} (rule: required columns)")])
    return table


def _names(table: Table) -> pd.Series:
    return table.frame[table.column("la_name")].str.strip()


def _row_for(table: Table, la_name: str) -> pd.Series | None:
    """The council's row of the model, matched ignoring case; None when it has none."""
    match = table.frame.loc[_names(table).str.casefold() == la_name.strip().casefold()]
    return None if match.empty else match.iloc[0]


def _no_row(table: Table, la_name: str) -> Problem:
    return Problem(table.file, f"column {table.column('la_name')}",
                   f"no row for {la_name!r}: the model lists the councils that existed when it was made, "
                   "so a council abolished before then (Cumbria and Northamptonshire, in the 2025 model) has no "
                   "statistical neighbours in it (rule: known local authority)")


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    places = max(max(-v.as_tuple().exponent, 0) for v in values) + 1  # type: ignore[operator]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
