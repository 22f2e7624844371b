"""Explore Education Statistics (EES) files, read as councils download them.

A loading stage beside the tidy reader: it turns one EES table into tidy
``Block`` s through the contract's ``ees`` mappings, so the checks and the
series that follow do not know which layout a figure came from.

The layout: one row per ``time_period`` (the year ending 31 March, or
``202425`` for a financial year), ``geographic_level`` and area, with the
figures in named columns. The area is named from the column for its level:

==================  ===============  ====================
geographic_level    area name from   example
==================  ===============  ====================
National            country_name     England
Regional            region_name      North East
Local authority     la_name          Gateshead
==================  ===============  ====================

Rows at other levels (local authority districts, constituencies) are left
out, with a warning saying how many. A file laid out as EES (two of its
columns, ``EES_SIGNS``) without a column it needs (``time_period``, or
``la_name`` beside local authority rows) is one problem naming that column
and listing the file's columns. A file can match several mappings (the
children looked after file holds three populations, told apart by the
mapping's ``where``); each mapped measure becomes one block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reportgen.data.contracts import Contract, EesMapping
from reportgen.data.read import ROW, Table
from reportgen.data.validate import Block
from reportgen.errors import Problem

EES_COLUMNS = ("time_period", "geographic_level")
"""The columns an EES file cannot do without: each row's period and the level of its area."""
EES_SIGNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
             "region_name", "old_la_code", "new_la_code", "la_name")
"""The EES layout's own columns: a header with one of ``EES_COLUMNS`` and another of these is an
EES file's, even with a column it needs left out (which is then named)."""
_NEEDED_FOR = {"time_period": "the period of each row's figures",
               "geographic_level": "whether each row is National, Regional or Local authority"}
LEVEL_NAME_COLUMNS = {"National": "country_name", "Regional": "region_name", "Local authority": "la_name"}
LOCAL_AUTHORITY = "Local authority"
_TIME_IDENTIFIERS = {"reporting year", "financial year"}


@dataclass
class EesRead:
    """What one EES file gave: blocks to check, and what it says about the areas in it."""

    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    la_codes: dict[str, str] = field(default_factory=dict)
    """old_la_code -> la_name, for statistical neighbours (which name LAs by code)."""
    regions: dict[str, str] = field(default_factory=dict)
    """la_name -> region_name, to pick the region a council is compared with."""


def is_ees(table: Table) -> bool:
    """Laid out as an EES file: one of the columns it needs and another of its own."""
    signs = sum(table.column(name) is not None for name in EES_SIGNS)
    return signs >= 2 and any(table.column(name) is not None for name in EES_COLUMNS)


def read_ees(table: Table, contract: Contract) -> EesRead:
    """The blocks of one EES table; problems when it lacks a column it needs, no mapping fits it, or its
    rows cannot be placed (each said once, for the file, not once per row)."""
    result = EesRead()
    frame = table.frame
    missing = [name for name in EES_COLUMNS if table.column(name) is None]
    if missing:
        result.problems.append(Problem(
            table.file, f"header (row {table.header_row})",
            f"looks like an Explore Education Statistics file but has no {missing[0]} column "
            f"({_NEEDED_FOR[missing[0]]}); download it again from EES with every column, or give the figures "
            f"as a tidy file (measure, period, value); its columns: {_columns(table)} (rule: required columns)"))
        return result
    matching = [m for m in contract.ees if all(table.column(c) for c in m.columns())]
    if not matching:
        needs = "; ".join(f"{m.name}: {', '.join(m.columns())}" for m in contract.ees) or "(none)"
        result.problems.append(Problem(
            table.file, f"header (row {table.header_row})",
            "an Explore Education Statistics file (it has time_period and geographic_level) that matches none "
            f"of the contract {contract.name!r}'s EES mappings; its columns: {_columns(table)}; "
            f"the mappings need: {needs} (rule: EES mapping)"))
        return result

    level = frame[_col(table, "geographic_level")].str.strip()
    area, area_column = _area_names(table, level, result)
    if result.problems:  # rows with no column to name their area: one problem, not one per row
        return result
    placed = level.isin(list(LEVEL_NAME_COLUMNS)).to_numpy(dtype=bool)
    if not placed.all():
        others = ", ".join(sorted(set(level[~placed])))
        result.warnings.append(Problem(table.file, "column geographic_level",
                                       f"{int((~placed).sum())} rows at other levels ({others}) were left out"))
    _check_time_identifier(table, result)
    _remember_areas(table, level, result)

    period = frame[_col(table, "time_period")]
    rows = 0
    for mapping in matching:
        keep = placed & _where(table, mapping)
        rows += int(keep.sum())
        if not keep.any():
            continue
        for measure, columns in mapping.measures.items():
            parts = {
                "measure": pd.Series(measure, index=frame.index[keep], dtype=str),
                "area": area[keep], "level": level[keep], "period": period[keep],
                "value": frame.loc[keep, _col(table, columns.value)],
                "numerator": _optional(table, columns.numerator, keep),
                "denominator": _optional(table, columns.denominator, keep),
                ROW: frame.loc[keep, ROW],
            }
            block_frame = pd.DataFrame(parts).reset_index(drop=True)
            names = {"period": _col(table, "time_period"), "value": _col(table, columns.value),
                     "area": area_column, "level": _col(table, "geographic_level"), "measure": measure}
            if columns.numerator:
                names["numerator"] = _col(table, columns.numerator)
            if columns.denominator:
                names["denominator"] = _col(table, columns.denominator)
            result.blocks.append(Block(table.file, block_frame, names, ees=True))
    if rows == 0:
        wheres = "; ".join(f"{m.name}: {m.where}" for m in matching)
        result.problems.append(Problem(table.file, "", f"no rows match the contract's EES mappings ({wheres}) "
                                       "(rule: EES mapping)"))
    return result


def _columns(table: Table) -> str:
    """The file's columns as its header writes them, for a message."""
    return ", ".join(str(c) for c in table.frame.columns if c != ROW)


def _col(table: Table, name: str) -> str:
    found = table.column(name)
    assert found is not None, name
    return found


def _optional(table: Table, name: str | None, keep: np.ndarray) -> pd.Series:
    if name is None:
        return pd.Series("", index=table.frame.index[keep], dtype=str)
    return table.frame.loc[keep, _col(table, name)]


def _where(table: Table, mapping: EesMapping) -> np.ndarray:
    keep = np.ones(len(table.frame), dtype=bool)
    for column, wanted in mapping.where.items():
        name = table.column(column)
        if name is None:
            return np.zeros(len(table.frame), dtype=bool)
        keep &= (table.frame[name].str.strip().str.lower() == wanted.strip().lower()).to_numpy(dtype=bool)
    return keep


def _area_names(table: Table, level: pd.Series, result: EesRead) -> tuple[pd.Series, str]:
    """Each row's area name, from the column its geographic level names it in."""
    area = pd.Series("", index=table.frame.index, dtype=str)
    used = []
    for level_name, column in LEVEL_NAME_COLUMNS.items():
        at_level = (level == level_name).to_numpy(dtype=bool)
        if not at_level.any():
            continue
        name = table.column(column)
        if name is None:
            result.problems.append(Problem(
                table.file, f"header (row {table.header_row})",
                f"has {level_name} rows but no {column} column to name their areas; its columns: "
                f"{_columns(table)} (rule: required columns)"))
            continue
        used.append(name)
        area = area.where(~at_level, table.frame[name].str.strip())
    return area, "/".join(used) or "la_name"


def _check_time_identifier(table: Table, result: EesRead) -> None:
    name = table.column("time_identifier")
    if name is None:
        return
    values = table.frame[name].str.strip()
    wrong = ~values.str.lower().isin(list(_TIME_IDENTIFIERS)) & (values != "")
    for value in dict.fromkeys(values[wrong]):
        row = int(table.frame.loc[wrong & (values == value), ROW].iloc[0])
        result.problems.append(Problem(
            table.file, f"row {row}, column {name}",
            f"time_identifier {value!r} is not supported; expected Reporting year (the year ending "
            "31 March) or Financial year (rule: EES time period)"))


def _remember_areas(table: Table, level: pd.Series, result: EesRead) -> None:
    la, code, region = (table.column(c) for c in ("la_name", "old_la_code", "region_name"))
    if la is None:
        return
    rows = table.frame.loc[(level == LOCAL_AUTHORITY).to_numpy(dtype=bool)]
    time = table.column("time_period")
    if time is not None:  # newest first, so the newest name and region win
        rows = rows.sort_values(time, ascending=False, kind="stable")
    names = rows[la].str.strip()
    if code is not None:
        for old_code, name in zip(rows[code].str.strip(), names, strict=True):
            if old_code:
                result.la_codes.setdefault(old_code, name)
    if region is not None:
        for name, region_name in zip(names, rows[region].str.strip(), strict=True):
            result.regions.setdefault(name, region_name)
