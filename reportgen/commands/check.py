"""``reportgen check DATA...``: validate performance data against a data contract, and nothing else."""

from __future__ import annotations

from pathlib import Path

import click

_SHOW = 12


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--contract", "contract_name", default=None, metavar="FILE|NAME",
              help="Data contract: a YAML file, or the name of one in data_contracts/ "
                   "(default: childrens_social_care).")
@click.option("--area", default=None, metavar="NAME",
              help="The council the data is about; rows with no area belong to it (default name: Council).")
def check(data: tuple[Path, ...], contract_name: str | None, area: str | None) -> None:
    """Check DATA files (tidy CSV/XLSX or EES downloads) against a data contract.

    Every problem is listed with its file, spreadsheet row, column, value and
    rule, and the exit status is 2. Clean data prints a summary and exits 0;
    warnings (gaps in a monthly series, EES figures set aside) are listed but
    do not fail the check.
    """
    from reportgen.data.contracts import load_contract
    from reportgen.data.load import check_data
    from reportgen.data.types import PeriodKind

    contract = load_contract(contract_name)
    summary = check_data(list(data), contract, area=area)
    files = len(summary.files)
    click.echo(f"OK: {files} file{'s' if files != 1 else ''} checked against the {contract.name} contract, "
               f"{summary.rows:,} values, no problems")
    click.echo(f"  measures ({len(summary.measures)}): {_list(summary.measures)}")
    main = f"; main area: {summary.main_area}" if summary.main_area else ""
    click.echo(f"  areas ({len(summary.areas)}): {_list(summary.areas)}{main}")
    if summary.first is not None and summary.last is not None:
        ees_years = " (years ending 31 March)" if summary.last.kind is PeriodKind.YEAR_ENDING_MARCH else ""
        click.echo(f"  periods ({summary.periods}): {summary.first.text} to {summary.last.text}{ees_years}")
    click.echo(f"  not published (suppressed or blank): {summary.not_published:,}")
    click.echo(f"  warnings ({len(summary.warnings)}){':' if summary.warnings else ''}")
    for warning in summary.warnings:
        click.echo(f"  - {warning}")


def _list(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_SHOW])
    return f"{shown} and {len(names) - _SHOW} more" if len(names) > _SHOW else shown or "(none)"
