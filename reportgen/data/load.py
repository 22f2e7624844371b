"""Load performance data files into a ``Dataset`` of checked series: the first pipeline stage.

    files ──read──▶ Table ──tidy / EES──▶ Block ──check──▶ Dataset ──series()──▶ Series

Two layouts are read, told apart by their header:

- **tidy** files (CSV or XLSX): columns ``measure, period, value`` and,
  optionally, ``area, numerator, denominator``; other columns (``note``) are
  ignored, and column names match whatever their case.
- **EES** files, as downloaded from Explore Education Statistics (columns
  ``time_period, geographic_level`` ...), mapped onto measures by the
  contract's ``ees`` mappings (see ``reportgen.data.ees``).

**Areas.** Rows of a tidy file with no ``area`` column (or a blank area
cell) are the council's own: they belong to the area named by ``area``
(``--area``) or, when none is given, to an area called ``"Council"``
(``DEFAULT_AREA``). The main area is then:

1. ``area`` when given: matched to the data's spelling, ignoring case;
2. otherwise ``"Council"`` when some rows have no area;
3. otherwise the only area that is not a comparator (comparators are EES
   national and regional rows, ``England``, the English regions and
   ``Statistical neighbours``), so an EES file cut down to one council needs
   no ``--area``;
4. otherwise, if the data has a single area, that one;
5. otherwise it is an error listing the candidates: an EES file of every
   council, or England and the regions alone, needs ``--area``.

Every other area is a comparator, named as in the data. Where a council's
own file and an EES file both give one measure for one area, the council's
file is used and the EES figures are set aside with a warning, so local
monthly figures can sit beside national annual comparators.

``check_data`` runs everything but the choice of main area, for
``reportgen check``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from reportgen.data.contracts import Contract
from reportgen.data.ees import EES_SIGNS, LOCAL_AUTHORITY, is_ees, read_ees
from reportgen.data.read import ROW, Table, read_table
from reportgen.data.suppression import not_published_rows
from reportgen.data.symbols import describe
from reportgen.data.types import Observation, Period, Series, SourceRef
from reportgen.data.validate import FIELDS, Block, Checked, check_blocks
from reportgen.errors import DataError, InputError, Problem

DEFAULT_AREA = "Council"
"""The main area's name when the files do not name it and no ``--area`` is given."""

TIDY_COLUMNS = ("measure", "period", "value")
OPTIONAL_COLUMNS = ("area", "numerator", "denominator")

COMPARATOR_NAMES = frozenset(name.lower() for name in (
    "England", "Statistical neighbours", "North East", "North West", "Yorkshire and The Humber",
    "East Midlands", "West Midlands", "East of England", "London", "Inner London", "Outer London",
    "South East", "South West"))
"""Area names that are never the council (besides EES national and regional rows)."""

_SHOW_AREAS = 20


@dataclass
class _Store:
    """The checked rows behind a Dataset, sorted by measure, area and period."""

    frame: pd.DataFrame
    periods: list[Period]
    blocks: list[Block]
    order: list[str]
    levels: dict[str, str]
    la_codes: dict[str, str]
    regions: dict[str, str]
    groups: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    cache: dict[tuple[str, str], Series] = field(default_factory=dict)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    """The frame's columns as arrays, so building a series touches no pandas machinery."""
    sources: list[tuple[str, str]] = field(default_factory=list)
    """Per block: (file, the column its values came from)."""

    def __post_init__(self) -> None:
        self.columns = {name: self.frame[name].to_numpy() for name in
                        ("pid", "value", "suppressed", "numerator", "denominator", "block", ROW,
                         "part_suppressed", "from_counts")}
        self.sources = [(b.file, b.columns.get("value", "value")) for b in self.blocks]


@dataclass(frozen=True)
class Dataset:
    """Checked data for one report: every series of every measure and area in the files.

    Series are built when first asked for (and then kept), so loading a
    large file stays fast when a report uses a few measures of it.
    """

    contract: Contract
    main_area: str
    """The council the report is about; every other area is a comparator."""
    warnings: tuple[Problem, ...] = ()
    """Things worth knowing that do not stop a run: gaps in regular series, EES figures set aside."""
    _store: _Store | None = field(default=None, repr=False, compare=False)

    @property
    def _data(self) -> _Store:
        assert self._store is not None, "a Dataset comes from load_data()"
        return self._store

    def measures(self) -> list[str]:
        """The measures with data, in the contract's order."""
        present = {m for m, _ in self._data.groups}
        return [m for m in self.contract.measures if m in present]

    def areas(self, measure: str) -> list[str]:
        """The areas with data for ``measure``: the main area first, then in the files' order."""
        present = {a for m, a in self._data.groups if m == measure}
        ordered = [a for a in self._data.order if a in present and a != self.main_area]
        return ([self.main_area] if self.main_area in present else []) + ordered

    def comparators(self, measure: str) -> list[str]:
        """The areas a statement about ``measure`` should compare the main area with.

        Every area from a tidy file and EES national rows; EES regional rows
        only for the main area's own region; other local authorities never
        (an EES file has 150 of them). In the files' order.
        """
        region = self._data.regions.get(self.main_area)
        keep = []
        for name in self.areas(measure):
            if name == self.main_area:
                continue
            level = self._data.levels.get(name, "")
            if level == LOCAL_AUTHORITY or (level == "Regional" and name != region):
                continue
            keep.append(name)
        return keep

    def level(self, area: str) -> str:
        """The EES geographic level of ``area`` ("National", "Regional", "Local authority"), "" from a tidy file."""
        return self._data.levels.get(area, "")

    def region(self, area: str) -> str | None:
        """The region an EES file places a local authority in."""
        return self._data.regions.get(area)

    def area_codes(self) -> dict[str, str]:
        """Old LA code -> local authority name, from the EES files (statistical neighbours use codes)."""
        return dict(self._data.la_codes)

    def series(self, measure: str, area: str | None = None) -> Series:
        """The observations of ``measure`` for ``area`` (the main area when None), oldest first."""
        self.contract.measure(measure)  # unknown ids: UnknownNameError listing the known ones
        store = self._data
        name = self.main_area if area is None else _match_area(area, store.order) or area
        key = (measure, name)
        if key in store.cache:
            return store.cache[key]
        if key not in store.groups:
            if measure not in self.measures():
                raise InputError(f"no data for measure {measure!r} in these files; measures in the data: "
                                 f"{', '.join(self.measures()) or '(none)'}")
            raise InputError(f"no data for {measure} for area {name!r}; areas with {measure}: "
                             f"{_listing(self.areas(measure))}")
        result = Series(measure, name, tuple(_observations(store, store.groups[key])))
        store.cache[key] = result
        return result


class NotPublished(NamedTuple):
    """A figure not published: the symbol its cell held (or blank), its area, and where it is."""

    symbol: str
    area: str
    where: Problem


@dataclass(frozen=True)
class DataSummary:
    """What ``reportgen check`` reports about clean data."""

    files: tuple[str, ...]
    rows: int
    measures: tuple[str, ...]
    areas: tuple[str, ...]
    main_area: str | None
    periods: tuple[Period, ...]
    """Every distinct period, oldest first (by end date, then start)."""
    not_published: tuple[NotPublished, ...]
    """Each figure not published, in file and row order."""
    warnings: tuple[Problem, ...]


def load_data(paths: Sequence[Path], contract: Contract, *, area: str | None = None) -> Dataset:
    """Read, check and index the data files; raise ``DataError`` listing every problem found."""
    store, warnings, main_area = _prepare(paths, contract, area)
    if main_area is None:
        main_area = _require_main_area(store)
    return Dataset(contract, main_area, tuple(warnings), store)


def check_data(paths: Sequence[Path], contract: Contract, *, area: str | None = None) -> DataSummary:
    """Check the files as ``load_data`` would, without needing a main area; summarise what they hold."""
    store, warnings, main_area = _prepare(paths, contract, area)
    frame = store.frame
    spans = {(store.periods[p].start, store.periods[p].end): store.periods[p] for p in np.unique(frame["pid"])}
    ordered = sorted(spans.values())
    present = {m for m, _ in store.groups}
    return DataSummary(
        files=tuple(dict.fromkeys(str(p) for p in paths)),
        rows=len(frame),
        measures=tuple(m for m in contract.measures if m in present),
        areas=tuple(store.order),
        main_area=main_area,
        periods=tuple(ordered),
        not_published=_not_published(store),
        warnings=tuple(warnings),
    )


# --- stages ----------------------------------------------------------------------

def _prepare(paths: Sequence[Path], contract: Contract, area: str | None) -> tuple[_Store, list[Problem], str | None]:
    if not paths:
        raise DataError([Problem("(no files)", "", "no data files were given")])
    problems: list[Problem] = []
    warnings: list[Problem] = []
    blocks: list[Block] = []
    la_codes: dict[str, str] = {}
    regions: dict[str, str] = {}
    for path in paths:
        try:
            table = read_table(Path(path), (TIDY_COLUMNS, EES_SIGNS))
        except DataError as error:
            problems.extend(error.problems)
            continue
        if is_ees(table):
            ees = read_ees(table, contract)
            blocks += ees.blocks
            problems += ees.problems
            warnings += ees.warnings
            la_codes.update({k: v for k, v in ees.la_codes.items() if k not in la_codes})
            regions.update({k: v for k, v in ees.regions.items() if k not in regions})
        else:
            block = _tidy_block(table, problems)
            if block is not None:
                blocks.append(block)

    named = _named_areas(blocks)
    unnamed = _has_unnamed_rows(blocks)
    blank_area = (_match_area(area, named) or area) if area else DEFAULT_AREA
    checked = check_blocks(blocks, contract, blank_area=blank_area)
    problems += checked.problems
    if problems:
        raise DataError(problems)
    warnings += checked.warnings
    store = _index(checked, la_codes, regions)

    main_area = None
    if area is not None:
        main_area = _match_area(area, store.order)
        if main_area is None:
            raise InputError(_unknown_area(area, store.order), hint="the main area is named as in the data's area, "
                             "la_name, region_name or country_name column")
    elif unnamed:
        main_area = DEFAULT_AREA
    return store, warnings, main_area


def _tidy_block(table: Table, problems: list[Problem]) -> Block | None:
    columns = {name: table.column(name) for name in (*TIDY_COLUMNS, *OPTIONAL_COLUMNS)}
    missing = [name for name in TIDY_COLUMNS if columns[name] is None]
    if missing:
        found = ", ".join(str(c) for c in table.frame.columns if c != ROW)
        noun = "column" if len(missing) == 1 else "columns"
        problems.append(Problem(table.file, f"header (row {table.header_row})",
                                f"missing {noun} {', '.join(missing)}; found: {found} (rule: required columns)"))
        return None
    source = table.frame
    blank = np.full(len(source), "", dtype=object)
    frame = pd.DataFrame({name: source[columns[name]].to_numpy(dtype=object) if columns.get(name) else blank
                          for name in FIELDS})
    frame[ROW] = source[ROW].to_numpy()
    names = {name: column for name, column in columns.items() if column is not None}
    return Block(table.file, frame, names)


def _named_areas(blocks: list[Block]) -> list[str]:
    names: dict[str, None] = {}
    for block in blocks:
        for name in pd.unique(block.frame["area"].to_numpy(dtype=object)):
            if str(name).strip():
                names.setdefault(str(name).strip())
    return list(names)


def _has_unnamed_rows(blocks: list[Block]) -> bool:
    return any(not str(name).strip() for block in blocks if not block.ees
               for name in pd.unique(block.frame["area"].to_numpy(dtype=object)))


def _index(checked: Checked, la_codes: dict[str, str], regions: dict[str, str]) -> _Store:
    frame = checked.frame
    order = [str(a) for a in pd.unique(frame["area"].astype(str))] if len(frame) else []
    levels: dict[str, str] = {}
    if len(frame):
        pairs = frame.loc[frame["level"].astype(str) != "", ["area", "level"]].drop_duplicates()
        levels = {str(a): str(lv) for a, lv in pairs.itertuples(index=False)}
        ends = np.array([p.end.toordinal() for p in checked.periods])[frame["pid"].to_numpy()]
        starts = np.array([p.start.toordinal() for p in checked.periods])[frame["pid"].to_numpy()]
        frame = frame.iloc[np.lexsort((starts, ends, frame["area"].cat.codes, frame["measure"].cat.codes))]
        frame = frame.reset_index(drop=True)
    store = _Store(frame, checked.periods, checked.blocks, order, levels, la_codes, regions)
    if len(frame):
        grouped = frame.groupby(["measure", "area"], observed=True, sort=False).indices
        store.groups = {(str(m), str(a)): positions for (m, a), positions in grouped.items()}
    return store


def _not_published(store: _Store) -> tuple[NotPublished, ...]:
    rows = not_published_rows(store.frame)
    c = store.columns
    measures, areas = (store.frame[name].to_numpy(dtype=object)[rows] for name in ("measure", "area"))
    found = []
    for i, measure, area in zip(rows.tolist(), measures, areas, strict=True):
        file, column = store.sources[int(c["block"][i])]
        symbol = str(c["suppressed"][i])
        found.append(NotPublished(symbol, area, Problem(
            file, f"row {c[ROW][i]}, column {column}",
            f"{measure} for {area} in {store.periods[int(c['pid'][i])].text}: {describe(symbol)}")))
    return tuple(found)


def _observations(store: _Store, positions: np.ndarray) -> list[Observation]:
    """Observations for some rows; values become ``Decimal`` straight from their text, never via float."""
    c = store.columns
    periods, sources = store.periods, store.sources
    rows = zip(c["pid"][positions].tolist(), c["value"][positions], c["suppressed"][positions],
               c["numerator"][positions], c["denominator"][positions], c["block"][positions].tolist(),
               c[ROW][positions].tolist(), c["part_suppressed"][positions], c["from_counts"][positions].tolist(),
               strict=True)
    made = []
    for pid, value, suppressed, numerator, denominator, block, row, part, from_counts in rows:
        source = SourceRef(sources[block][0], row, sources[block][1])
        top = Decimal(numerator) if numerator else None
        bottom = Decimal(denominator) if denominator else None
        if from_counts:  # a percentage, rounded once from its counts (percent_rules)
            made.append(Observation(periods[pid], top * 100 / bottom, source, None, top, bottom,  # type: ignore[operator]
                                    published=Decimal(value)))
        else:  # positional arguments: this runs once per observation, 720,000 times for a big file
            made.append(Observation(periods[pid], Decimal(value) if value else None, source, suppressed or None,
                                    top, bottom, (), part or None))
    return made


# --- the main area ----------------------------------------------------------------

def _match_area(wanted: str, names: Sequence[str]) -> str | None:
    if wanted in names:
        return wanted
    folded = wanted.strip().casefold()
    return next((n for n in names if n.casefold() == folded), None)


def _require_main_area(store: _Store) -> str:
    candidates = [a for a in store.order
                  if store.levels.get(a, "") in ("", LOCAL_AUTHORITY) and a.lower() not in COMPARATOR_NAMES]
    if len(candidates) == 1:
        return candidates[0]
    if len(store.order) == 1:
        return store.order[0]
    choices = candidates or store.order
    raise InputError(f"the data has {len(choices)} areas that could be the council: {_listing(choices)}",
                     hint="choose one with --area NAME")


def _unknown_area(area: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(area, names, n=3)
    guess = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    return f"no area {area!r} in the data{guess}; areas: {_listing(names)}"


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOW_AREAS])
    more = len(names) - _SHOW_AREAS
    return f"{shown} and {more} more" if more > 0 else shown or "(none)"
