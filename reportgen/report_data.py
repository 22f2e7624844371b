"""A report's data: what the spec's ``data:`` section (``reportgen.data_spec``) names, its statements, and what
they rest on.

Officers write prose; the numbers in it should come from the data. A spec
names its data files and measures; the statements for each measure are made
once, and prose embeds one by writing ``[[cpp_count:record]]`` (measure id,
colon, statement kind) where the sentence belongs. The placeholder syntax is
deliberately not Jinja: officers' ``{{ ... }}`` stays text. Templates reach
the same statements through ``data``.

Every statement a document uses is remembered, so the "Data behind this
report" appendix lists exactly the rows the published sentences rest on.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.data_spec import DataSpec
from reportgen.errors import DataNotInYetError, InputError, Problem, SpecError

log = logging.getLogger(__name__)

if TYPE_CHECKING:

    from reportgen.data.contracts import Measure
    from reportgen.data.load import Dataset
    from reportgen.data.types import Period, Series
    from reportgen.data_appendix import AppendixGroup
    from reportgen.metrics.facts import FactOptions
    from reportgen.metrics.statements import Statement
    from reportgen.style import NumberStyle

PLACEHOLDER = re.compile(r"\[\[\s*([a-z][a-z0-9_]*)\s*:\s*([a-z_]+)\s*\]\]")
AS_OF = re.compile(r"\[\[\s*as_of\s*\]\]")
"""``[[as_of]]``: the period the report is written as at, named ("March 2022"), so a
monthly report's title and prose follow ``distribute --period``."""
NO_AS_OF = ("[[as_of]] names the period the report is written as at, but the spec sets none: "
            "set data.as_of (distribute --period sets it for a monthly run)")


def comparator_series(dataset: Dataset, measure: Measure, neighbours: Path | None = None) -> list:
    """Every comparator of the main area for ``measure``, plus the neighbours' average when asked.

    Only rates and percentages compare across areas: England's count of
    children looked after says nothing about a council's, so counts and money
    have no comparators (in statements or charts).
    """
    if measure.unit.value in ("count", "money"):
        return []
    comparators = [dataset.series(measure.id, name) for name in dataset.comparators(measure.id)]
    if neighbours is not None:
        from reportgen.data.neighbours import NEIGHBOURS_AREA, neighbour_average

        if NEIGHBOURS_AREA not in {c.area for c in comparators}:
            comparators.append(neighbour_average(dataset, measure.id, dataset.main_area, neighbours))
    return comparators


def measure_statements(dataset: Dataset, measure: Measure, *, as_of: Period | None = None,
                       neighbours: Path | None = None, number_style: NumberStyle | None = None,
                       options: FactOptions | None = None) -> tuple[Period | None, list[Statement]]:
    """The statements about ``measure`` for the main area, as at ``as_of`` (default: its latest period)."""
    from reportgen.metrics.facts import DEFAULT_OPTIONS
    from reportgen.metrics.statements import statements_for

    series = dataset.series(measure.id)
    if as_of is None and series.observations:
        as_of = max(o.period for o in series.observations)
    made = statements_for(series, measure, comparators=comparator_series(dataset, measure, neighbours),
                          as_of=as_of, number_style=number_style, options=options or DEFAULT_OPTIONS)
    return as_of, made


class MissingStatement(LookupError):
    """Prose or a template asked for a statement the data does not support."""


@dataclass
class ReportData:
    """The statements of every measure a report names, and which of them the document used."""

    dataset: Dataset
    statements_by_measure: dict[str, list[Statement]]
    neighbours: Path | None = None
    as_of: Period | None = None
    """The period the report is written as at; None: each measure's latest."""
    options: dict[str, FactOptions] = field(default_factory=dict)
    """Per measure, the options its statements were made with (charts use the same)."""
    as_of_name: str | None = None
    """``as_of`` as the report names it ("March 2022"), for ``[[as_of]]``."""
    used: list[Statement] = field(default_factory=list)

    def measure(self, measure_id: str) -> Measure:
        return self.dataset.contract.measure(measure_id)

    def series(self, measure_id: str) -> Series:
        """The main area's figures up to ``as_of``, as the statements saw them.

        A report as at March 2022 built from files that run to 2024/25 must
        not chart or tabulate the later years its statements never mention.
        """
        return _cut(self.dataset.series(measure_id), self.as_of)

    def comparators(self, measure: Measure) -> list[Series]:
        """The comparators' figures up to ``as_of`` (see ``comparator_series``)."""
        return [_cut(c, self.as_of) for c in comparator_series(self.dataset, measure, self.neighbours)]

    def fact_options(self, measure_id: str) -> FactOptions:
        """The options ``measure_id``'s statements were made with, for a chart to draw the same limits."""
        from reportgen.metrics.facts import DEFAULT_OPTIONS

        return self.options.get(measure_id, DEFAULT_OPTIONS)

    def statements(self, measure_id: str) -> list[Statement]:
        if measure_id not in self.statements_by_measure:
            raise MissingStatement(f"measure {measure_id!r} is not listed under data.measures in the spec "
                                   f"(listed: {', '.join(self.statements_by_measure)})")
        return self.statements_by_measure[measure_id]

    def has(self, measure_id: str, kind: str) -> bool:
        return any(s.kind == kind for s in self.statements(measure_id))

    def statement(self, measure_id: str, kind: str) -> str:
        """The sentence of that kind, remembered as used; a clear error when there is none."""
        made = self.statements(measure_id)
        for found in made:
            if found.kind == kind:
                if found not in self.used:
                    self.used.append(found)
                return found.text
        raise MissingStatement(f"the data gives no {kind!r} statement for {measure_id} "
                               f"(statements it does support: {_kinds(made)})")

    def check_placeholders(self, prose: list[tuple[tuple[str | int, ...], str]], source_file: str) -> None:
        """Every ``[[measure:kind]]`` in the officers' prose has its statement; else one error naming each field.

        Run before the template, so the officer is sent to the field and line
        of the spec they wrote (``sections[2] ("Background").body``), not to a
        line of our template, and learns of every missing statement at once.
        """
        from reportgen.yamlfile import Locator, problem_at

        path = Path(source_file)
        locator = Locator(path)
        problems = []
        for loc, text in prose:
            found = AS_OF.search(text)
            if self.as_of_name is None and found:
                problems.append(problem_at(path, loc, NO_AS_OF, text=found.group(0), locator=locator))
            for match in PLACEHOLDER.finditer(text):
                measure_id, kind = match.group(1), match.group(2)
                made = self.statements_by_measure.get(measure_id)
                if made is None or any(s.kind == kind for s in made):
                    continue  # an unlisted measure is the spec validator's to report
                problems.append(problem_at(path, loc, f"{match.group(0)}: {self._why_no(measure_id, kind, made)}",
                                           text=match.group(0), locator=locator))
        if problems:
            raise SpecError(problems)

    def _why_no(self, measure_id: str, kind: str, made: list[Statement]) -> str:
        """Why the data gives no ``kind`` statement: a figure not published, when that is the reason."""
        from reportgen.metrics.facts import Suppressed

        when = f" as at {self.as_of.text}" if self.as_of is not None else ""
        blank = next((s.fact for s in made if isinstance(s.fact, Suppressed)), None)
        if blank is None:
            return f"the data gives no {kind!r} statement for {measure_id}{when} (it supports: {_kinds(made)})"
        row = next((r.observation for r in blank.sources
                    if r.area == blank.area and r.observation.period == blank.period), None)
        which = "latest figure" if self.as_of is None else "figure"
        if blank.symbol == "missing" or row is None:
            figure = f"the data has no figure for {measure_id} for {blank.period.text}"
        else:
            where = f"{Path(row.source.file).name}, row {row.source.row}"
            figure = (f"{measure_id}'s {which}, for {blank.period.text} ({where}), is not published "
                      f"({blank.symbol!r} in its place)")
        return (f"{figure}, so no {kind!r} statement can be made; the data gives only: {_kinds(made)} "
                f"(write [[{measure_id}:suppressed]] to say the figure is not published)")

    def require_figures(self, source_file: str, number_style: NumberStyle | None = None) -> None:
        """Refuse a report as at a period that some measure has no row for yet (a distribution run's guard).

        A monthly run started before the month's data arrived would otherwise
        send every reader "The data has no figure for ... in June 2022" for
        each measure. A figure the publisher suppressed is a published state
        and passes; a period with no row at all does not.
        """
        from reportgen.metrics.facts import Suppressed
        from reportgen.metrics.formatting import period_name
        from reportgen.style import NumberStyle

        number_style = number_style or NumberStyle()
        late: dict[str, list[str]] = {}  # the period named -> each measure, with its latest figure's period
        early: dict[str, list[str]] = {}  # the same, for measures with no figure that early at all
        for measure_id, made in self.statements_by_measure.items():
            fact = next((s.fact for s in made if isinstance(s.fact, Suppressed)), None)
            if fact is not None and fact.symbol == "missing":
                latest = fact.last_published
                when = period_name(fact.period, number_style)
                if latest is None:
                    early.setdefault(when, []).append(measure_id)
                else:
                    latest_name = period_name(latest.period, number_style)
                    late.setdefault(when, []).append(f"{measure_id} (latest: {latest_name})")
        if early:  # not "yet": waiting will not bring figures for a period before the data starts
            before = "; ".join(f"{when} of {', '.join(ids)}" for when, ids in early.items())
            raise InputError(f"{source_file}: the data starts after the period the report is written as at: "
                             f"there is no figure for {before}, nor for any period before it",
                             hint="check the period (--period, or data.as_of in the spec)")
        if late:
            missing = "; ".join(f"for {when} of {', '.join(ids)}" for when, ids in late.items())
            raise DataNotInYetError(f"{source_file}: the data has no figures yet {missing}; "
                                    "the report is built and sent once they are in",
                                    hint="add the period's figures to the data files and run again, or take "
                                         "the measure out of the spec")

    def fill(self, text: str) -> str:
        """Prose with every ``[[measure:kind]]`` replaced by its sentence and ``[[as_of]]`` by the
        period's name, escaped for Markdown.

        A statement straight after another about the same measure, in the same
        paragraph, calls it "it" (``phrasing.said_again``): "[[cpp_count:latest]]
        [[cpp_count:change]]" reads "The number of children ... was 257 in
        September 2018. It fell from 275 ...", as an analyst writes it.
        """
        from reportgen.metrics.phrasing import said_again

        name = self.as_of_name
        if name is not None:
            text = AS_OF.sub(lambda _: _markdown_escape(name), text)
        parts, at, named = [], 0, None
        for match in PLACEHOLDER.finditer(text):
            between, measure_id = text[at:match.start()], match.group(1)
            sentence = self.statement(measure_id, match.group(2))
            if measure_id == named and not between.strip() and "\n\n" not in between:
                sentence = said_again(sentence, self.measure(measure_id))
            parts += [between, _markdown_escape(sentence)]
            at, named = match.end(), measure_id
        return "".join(parts) + text[at:]

    def source_rows(self, number_style: NumberStyle | None = None) -> list[AppendixGroup]:
        """The "Data behind this report" appendix: the rows every used statement rests on (``data_appendix``)."""
        from reportgen.data_appendix import source_rows

        return source_rows(self.used, self.dataset, number_style)


def _kinds(made: list[Statement]) -> str:
    """The kinds of statement made, in order, for a message: "latest, change, record"."""
    return ", ".join(dict.fromkeys(s.kind for s in made)) or "none"


def _cut(series: Series, as_of: Period | None) -> Series:
    """Only the observations of periods ending by the end of ``as_of`` (as ``metrics.timeline`` cuts them)."""
    if as_of is None:
        return series
    return replace(series, observations=tuple(o for o in series.observations if o.period.end <= as_of.end))


def tell_warnings(warnings: tuple[Problem, ...], label: str, files: Sequence[Path | str], area: str | None = None,
                  contract: str | Path | None = None) -> None:
    """One line on stderr when the data has warnings (a gap, a blank value, a figure set aside); each with -v.

    The build (or ``reportgen statements``) goes on, since a warning is not an
    error, but whoever reads the statements should know they were made from
    data `reportgen check` would question. The line starts with ``label`` (the
    report spec), as a distribution run builds many; each record says which
    warnings it is ``about``, so a run building many reports from the same data
    tells them once (``reportgen.distribute.runner``).
    """
    if not warnings:
        return
    if len(warnings) == 1:
        log.warning("%s: data warning: %s", label, warnings[0], extra={"about": warnings})
        return
    command = shlex.join(["reportgen", "check", *map(str, files), *(["--area", area] if area else []),
                          *(["--contract", str(contract)] if contract else [])])
    log.warning("%s: %d data warnings; the first: %s; `%s` lists them all (or run with -v)",
                label, len(warnings), warnings[0], command, extra={"about": warnings})
    for warning in warnings:
        log.info("data warning: %s", warning, extra={"about": (warning,)})


def as_of_name(period_text: str, number_style: NumberStyle | None = None) -> str:
    """A period as ``[[as_of]]`` names it: "March 2022", "2021/22"."""
    from reportgen.data.periods import parse_period
    from reportgen.metrics.formatting import period_name
    from reportgen.style import NumberStyle

    return period_name(parse_period(period_text), number_style or NumberStyle())


def _markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _require_in_model(neighbours: Path, council: str, source_file: str) -> None:
    """Refuse a report whose ``data.neighbours`` model has no row for the council.

    An error, where ``reportgen statements --neighbours`` only warns: the spec
    asks for the comparison in a published report, and leaving it out would
    not fix itself by waiting, as late data would.
    """
    from reportgen.data.neighbours import not_in_model
    from reportgen.yamlfile import problem_at

    missing = not_in_model(neighbours, council)
    if missing is not None:
        raise SpecError([problem_at(Path(source_file), ("data", "neighbours"), str(missing))],
                        hint="take data.neighbours out of the spec to compare with England and the region "
                             "alone, or name a model that has the council")


def load_report_data(spec: DataSpec, source_file: str, *, as_of_override: str | None = None,
                     number_style: NumberStyle | None = None) -> ReportData:
    """Load the files once, then make every named measure's statements."""
    from reportgen.data.contracts import load_contract
    from reportgen.data.load import load_data
    from reportgen.data.periods import parse_period

    contract = load_contract(spec.contract)
    measures = [contract.measure(m) for m in spec.measures]
    dataset = load_data(spec.files, contract, area=spec.area)
    tell_warnings(dataset.warnings, source_file, spec.files, spec.area, spec.contract)
    absent = [m.id for m in measures if m.id not in dataset.measures()]
    if absent:
        files = ", ".join(Path(f).name for f in spec.files)
        raise SpecError([Problem(source_file, "data.measures",
                                 f"{', '.join(absent)} not found in the data ({files}); "
                                 f"it has: {', '.join(dataset.measures())}")])
    if spec.neighbours is not None:
        _require_in_model(spec.neighbours, dataset.main_area, source_file)
    as_of_text = as_of_override or spec.as_of
    try:
        as_of = parse_period(as_of_text) if as_of_text else None
    except ValueError as exc:
        raise SpecError([Problem(source_file, "data.as_of", str(exc))]) from None
    for name, per_measure in (("xmr_rebase", spec.xmr_rebase), ("band_tolerance", spec.band_tolerance)):
        unknown = sorted(set(per_measure) - {m.id for m in measures})
        if unknown:
            raise SpecError([Problem(source_file, f"data.{name}",
                                     f"{', '.join(unknown)} not in data.measures ({', '.join(spec.measures)})")])
    options = {m.id: spec.fact_options(m.id) for m in measures}
    made = {}
    for measure in measures:
        _, made[measure.id] = measure_statements(dataset, measure, as_of=as_of, neighbours=spec.neighbours,
                                                 number_style=number_style, options=options[measure.id])
    return ReportData(dataset, made, spec.neighbours, as_of, options=options,
                      as_of_name=as_of_name(as_of_text, number_style) if as_of_text else None)

