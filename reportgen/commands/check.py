"""``reportgen check DATA...``: validate performance data against a data contract, and nothing else."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from reportgen.data.load import NotPublished
    from reportgen.data.types import Period

_SHOW = 12
_SHOW_NOT_PUBLISHED = 100


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--contract", "contract_name", default=None, metavar="FILE|NAME",
              help="Data contract: a YAML file, or the name of one in data_contracts/ "
                   "(default: childrens_social_care).")
@click.option("--area", default=None, metavar="NAME",
              help="The council the data is about; rows with no area belong to it (default name: Council).")
@click.option("--strict", is_flag=True,
              help="Treat warnings (a blank value, a gap, figures set aside) as problems: exit 2 if there are any. "
                   "For a scheduled run that should stop rather than publish from questionable data.")
def check(data: tuple[Path, ...], contract_name: str | None, area: str | None, strict: bool) -> None:
    """Check DATA files (tidy CSV/XLSX or EES downloads) against a data contract.

    Every problem is listed with its file, spreadsheet row, column, value and
    rule, and the exit status is 2 (with --strict, warnings too). Clean data prints a summary and exits 0:
    every figure not published, with what its cell held (a symbol such as c,
    and its meaning, or blank), and warnings (gaps in a monthly series, EES
    figures set aside, blank values in a council's own file), which do not
    fail the check.
    """
    from reportgen.data.contracts import load_contract
    from reportgen.data.load import check_data
    contract = load_contract(contract_name)
    summary = check_data(list(data), contract, area=area)
    if strict and summary.warnings:
        from reportgen.errors import DataError

        raise DataError(list(summary.warnings), hint="--strict treats every warning as a problem; fix the data, "
                                                     "or run without --strict to accept them")
    files = len(summary.files)
    click.echo(f"OK: {files} file{'s' if files != 1 else ''} checked against the {contract.name} contract, "
               f"{summary.rows:,} values, no problems")
    click.echo(f"  measures ({len(summary.measures)}): {_list(summary.measures)}")
    main = f"; main area: {summary.main_area}" if summary.main_area else ""
    click.echo(f"  areas ({len(summary.areas)}): {_list(summary.areas)}{main}")
    if summary.periods:
        click.echo(f"  periods ({len(summary.periods)}): {_periods(summary.periods)}")
    _not_published(summary.not_published, summary.main_area)
    click.echo(f"  warnings ({len(summary.warnings)}){':' if summary.warnings else ''}")
    for warning in summary.warnings:
        click.echo(f"  - {warning}")


def _not_published(found: tuple[NotPublished, ...], main_area: str | None) -> None:
    """How many figures each symbol stands in for, then each one: the main area's, when there is one.

    An EES file holds hundreds of 'z' and 'c' for other councils, which no
    report of this council states; with a main area, those are only counted.
    """
    from reportgen.data.symbols import BLANK

    tally = Counter("blank" if f.symbol == BLANK else repr(f.symbol) for f in found)
    kinds = ", ".join(f"{count:,} {symbol}" for symbol, count in tally.most_common())
    click.echo(f"  not published ({len(found):,}){': ' if found else ''}{kinds}")
    listed = found
    if main_area is not None and found:
        listed = tuple(f for f in found if f.area == main_area)
        click.echo(f"  not published for {main_area} ({len(listed):,}){':' if listed else ''}")
    for item in listed[:_SHOW_NOT_PUBLISHED]:
        click.echo(f"  - {item.where}")
    if len(listed) > _SHOW_NOT_PUBLISHED:
        click.echo(f"  - and {len(listed) - _SHOW_NOT_PUBLISHED:,} more")


def _periods(periods: tuple[Period, ...]) -> str:
    """First to last of each kind: one range for monthly data, one per kind when a file mixes them.

    "2017-01 to 2018/19" would hide that the months stop in 2018-09 and
    the financial years start in 2016/17.
    """
    from reportgen.data.series_rules import KIND_WORDS
    from reportgen.data.types import PeriodKind

    by_kind: dict[PeriodKind, list[Period]] = {}
    for period in periods:
        by_kind.setdefault(period.kind, []).append(period)
    if len(by_kind) == 1:
        (kind,) = by_kind
        ees_years = " (years ending 31 March)" if kind is PeriodKind.YEAR_ENDING_MARCH else ""
        return f"{periods[0].text} to {periods[-1].text}{ees_years}"
    spans = {kind: found[0].text if len(found) == 1 else f"{found[0].text} to {found[-1].text}"
             for kind, found in by_kind.items()}
    return "; ".join(f"{span} ({KIND_WORDS[kind][1]})" for kind, span in spans.items())


def _list(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_SHOW])
    return f"{shown} and {len(names) - _SHOW} more" if len(names) > _SHOW else shown or "(none)"
