"""build(): a report spec becomes Word, PDF and HTML. The whole flow, top to bottom.

    spec.yaml ─validate─▶ ReportSpec + HouseStyle ─data─▶ statements per measure (if data:)
              ─template─▶ semantic HTML (the single source of content)
              ─read────▶ Document model ─numbering─▶ ─resource check─▶
              ─writers─▶ bytes per format, all in memory ─publish─▶ files (atomic)

Nothing is written until every format has rendered, so bad input or a
failing writer never leaves a partial file or replaces a good one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from reportgen import model as m
from reportgen import templating
from reportgen.data_spec import DataSpec
from reportgen.errors import InputError, ProblemsError, SpecError, UnknownNameError
from reportgen.numbering import number_figures, number_paragraphs
from reportgen.output import output_folder, publish_files
from reportgen.reader import read_html
from reportgen.report_data import ReportData, load_report_data
from reportgen.resolver import read_resource
from reportgen.spec import ReportSpec, load_report_spec
from reportgen.style import HouseStyle
from reportgen.writers import get_writer
from reportgen.yamlfile import problem_at

log = logging.getLogger(__name__)

FORMATS = ("docx", "pdf", "html")


def build(
    spec_path: Path,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    style_name: str | None = None,
    period: str | None = None,
) -> dict[str, Path]:
    """Build one report; returns format -> path of each file written.

    ``period`` overrides the spec's ``data.as_of`` (monthly distribution passes its ``--period``).
    """
    spec, style = load_report_spec(spec_path, style_name, period)
    with output_folder(out_dir):
        document = compose_spec(spec_path, spec, style, period, formats=formats)
        return publish(render_formats(document, style, formats), out_dir, spec.file_stem())


def compose_spec(spec_path: Path, spec: ReportSpec, style: HouseStyle, period: str | None = None, *,
                 formats: Collection[str] = FORMATS, require_figures: bool = False) -> m.Document:
    """A validated spec as a document: its data's statements made first, when it names data.

    ``formats`` are those the document will be written to: charts get their
    PNG copy only when Word is among them (drawing it is as dear as the SVG).
    ``require_figures`` refuses a report whose data has no row for the period
    in some measure (``DataNotInYetError``): distribution sets it, so a run
    started before the month's data is in sends nothing.
    """
    data = _load_data(spec_path, spec.data, period, style) if spec.data else None
    if data is not None:
        if require_figures:
            data.require_figures(str(spec_path), style.numbers)
        data.check_placeholders(spec.prose(), str(spec_path))
    extra: dict[str, Any] = {"data": data}
    if spec.performance is not None and data is not None:
        from reportgen.performance import measure_views, summary_groups

        extra["measures"] = measure_views(spec.performance, data, style, raster="docx" in formats)
        extra["summary_groups"] = summary_groups(extra["measures"])
    return compose(spec, style, extra)


_DATA_FIELDS = {"contract": "contract", "measure": "measures"}
"""The ``data:`` field an unknown name of each kind was read from."""


def _load_data(spec_path: Path, spec: DataSpec, period: str | None, style: HouseStyle) -> ReportData:
    """The spec's data, its statements made; a mistake in naming what to read is put at its ``data:`` field.

    Problems inside the data files already name their file and row; the
    names the spec gives (area, contract, measures) are the spec's, so the
    officer is sent to that field of report.yaml, with the suggestions kept.
    """
    try:
        return load_report_data(spec, str(spec_path), as_of_override=period, number_style=style.numbers)
    except ProblemsError:
        raise
    except InputError as exc:
        if isinstance(exc, UnknownNameError) and exc.kind in _DATA_FIELDS:
            field = _DATA_FIELDS[exc.kind]
        else:  # the one other name the spec gives the loader: the council's area
            field = "area" if "area" in exc.message else ""
        hint = exc.hint
        if field == "area" and spec.area is None:
            hint = "name the council as in the data with data.area in the spec"
        where = ("data", field) if field else ("data",)
        raise SpecError([problem_at(spec_path, where, exc.message)], hint=hint) from None


def compose(spec: ReportSpec, style: HouseStyle, extra: dict[str, Any] | None = None) -> m.Document:
    """A report spec as a document model."""
    context = {"spec": spec, "header": spec.header, "style": style, "data": None, **(extra or {})}
    return compose_template(spec.template, context, style)


def compose_template(template: str, context: dict[str, Any], style: HouseStyle, *,
                     number_paragraphs_: bool = True) -> m.Document:
    """Template -> HTML -> model, with house numbering applied and resources checked.

    Agendas and minutes pass ``number_paragraphs_=False``: they are numbered
    by item and minute, never by the house's paragraph numbering.
    """
    html = templating.render(template, {"style": style, **context})
    document = number_figures(read_html(html, template))
    if style.paragraph_numbering and number_paragraphs_:
        document = number_paragraphs(document)
    check_resources(document)
    return document


def check_resources(document: m.Document) -> None:
    """Resolve every image through the allow-list now, so a refusal stops the build before any output."""
    for block in m.walk(document.blocks):
        if isinstance(block, m.Figure):
            read_resource(block.image.src)
            if block.image.raster_src:
                read_resource(block.image.raster_src)


def render(document: m.Document, style: HouseStyle, fmt: str) -> bytes:
    buffer = io.BytesIO()
    get_writer(fmt).write(document, style, buffer)
    return buffer.getvalue()


def render_formats(document: m.Document, style: HouseStyle, formats: Sequence[str]) -> dict[str, bytes]:
    """Each format's bytes. A writer working in another process is started first, the others written meanwhile."""
    elsewhere = {fmt: writer.submit(document, style) for fmt in formats
                 if hasattr(writer := get_writer(fmt), "submit")}
    here = {fmt: render(document, style, fmt) for fmt in formats if fmt not in elsewhere}
    return {fmt: here[fmt] if fmt in here else elsewhere[fmt]() for fmt in formats}


def publish(rendered: dict[str, bytes], out_dir: Path, stem: str) -> dict[str, Path]:
    """Each format's file, written together: all of them replaced, or none."""
    written = {fmt: out_dir / f"{stem}{get_writer(fmt).suffix}" for fmt in rendered}
    publish_files({written[fmt]: data for fmt, data in rendered.items()})
    for target in written.values():
        log.info("wrote %s", target)
    return written
