"""``reportgen build SPEC``: one report spec to Word, PDF and HTML."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.commands.params import FormatList


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder to write the documents to (created if missing).")
@click.option("--format", "formats", type=FormatList(), default="docx,pdf,html", show_default=True,
              help="Comma-separated output formats: docx, pdf, html.")
@click.option("--style", "style_name", default=None,
              help="House style to use instead of the spec's (see `reportgen styles`).")
def build(spec: Path, out_dir: Path, formats: list[str], style_name: str | None) -> None:
    """Build the report described by SPEC (a report.yaml file)."""
    from reportgen.writers import writers_started

    with writers_started(formats, pdf_process=True):
        from reportgen.pipeline import build as run_build

        written = run_build(spec, out_dir, formats, style_name)
    for path in written.values():
        click.echo(str(path))
