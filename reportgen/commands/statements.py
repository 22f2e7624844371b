"""``reportgen statements DATA... --measure ID``: the narrative statements for one measure."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from reportgen.data.types import Period

log = logging.getLogger(__name__)


class PeriodParam(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.3
    """A period as typed in a data file (``2018-07``, ``Mar-21``, ``2014/15``, ``2018-Q3``)."""

    name = "period"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Period:
        if isinstance(value, Period):
            return value
        from reportgen.data.periods import parse_period

        try:
            return parse_period(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--measure", "measure_id", required=True, metavar="ID",
              help="The measure's id in the data contract (for example cpp_count).")
@click.option("--area", default=None, metavar="NAME",
              help="The council to write about (default: the data's own area; see `reportgen check`).")
@click.option("--as-of", "as_of", type=PeriodParam(), default=None, metavar="PERIOD",
              help="Write as at this period (default: the council's latest period for the measure).")
@click.option("--contract", "contract_name", default=None, metavar="FILE|NAME",
              help="Data contract: a YAML file, or the name of one in data_contracts/ "
                   "(default: childrens_social_care).")
@click.option("--neighbours", "neighbours_file", default=None, metavar="SN_FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="DfE statistical neighbour model (sn_model_2025_wide.csv): compare with the average "
                   "of the council's ten statistical neighbours too (a council not in the model, such as one "
                   "abolished before it was made, is warned about and compared with the other areas).")
@click.option("--rebase", "rebase", type=PeriodParam(), multiple=True, metavar="PERIOD",
              help="A period where the process changed: XmR limits and signals are worked out from the latest "
                   "one given (repeat for several; as data.xmr_rebase in a report spec).")
@click.option("--band-tolerance", "band_tolerance", type=click.FloatRange(min=0, min_open=True, max=50),
              default=None, metavar="N",
              help="The band's half-width: N% of its centre for counts and rates, N points for percentages "
                   "(default 5 and 2; as data.band_tolerance in a report spec).")
@click.option("--tags", is_flag=True,
              help="Start each line with the [[measure:kind]] that puts its statement in a report spec's prose "
                   "(--json gives each statement's kind already).")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: each statement's kind, text, period, values and sources. Numbers are "
                   "strings holding the exact value (\"41.93548387096774193548387097\"), never rounded floats.")
def statements(data: tuple[Path, ...], measure_id: str, area: str | None, as_of: Period | None,
               contract_name: str | None, neighbours_file: Path | None, rebase: tuple[Period, ...],
               band_tolerance: float | None, tags: bool, as_json: bool) -> None:
    """Print the statements for one measure of DATA files (tidy CSV/XLSX or EES downloads).

    The council is compared with every other area in the data (England, the
    council's own region, statistical neighbours; never the other councils of
    an EES file), for the same period only. One statement per line; with
    --tags, each after the [[measure:kind]] that puts it in a report.
    """
    from dataclasses import replace
    from decimal import Decimal

    from reportgen.data.contracts import load_contract
    from reportgen.data.load import load_data
    from reportgen.metrics.facts import DEFAULT_OPTIONS
    from reportgen.metrics.statements import to_json
    from reportgen.report_data import measure_statements, tell_warnings

    contract = load_contract(contract_name)
    measure = contract.measure(measure_id)
    dataset = load_data(list(data), contract, area=area)
    tell_warnings(dataset.warnings, "data", data, area, contract_name)
    options = replace(DEFAULT_OPTIONS, xmr_rebase=rebase)
    if band_tolerance is not None:
        within = Decimal(str(band_tolerance))
        options = replace(options, band_tolerance_pct=within, band_tolerance_points=within)
    if neighbours_file is not None:
        neighbours_file = _in_model(neighbours_file, dataset.main_area)
    as_of, made = measure_statements(dataset, measure, as_of=as_of, neighbours=neighbours_file, options=options)
    if as_json:
        click.echo(to_json(made, measure=measure.id, area=dataset.main_area, as_of=as_of))
        return
    for statement in made:
        click.echo(f"[[{measure.id}:{statement.kind}]] {statement.text}" if tags else statement.text)


def _in_model(neighbours_file: Path, council: str) -> Path | None:
    """The model, or None with a warning when the council has no row in it (abolished before it was made).

    A warning, not an error: the statements asked for are still worth
    printing, and the other comparators are still true. (A report that names
    the model in ``data.neighbours`` is refused instead: it is published.)
    """
    from reportgen.data.neighbours import not_in_model

    missing = not_in_model(neighbours_file, council)
    if missing is None:
        return neighbours_file
    log.warning("%s; the statements are made without the statistical neighbours' average", missing)
    return None
