"""``reportgen agenda``, ``reportgen pack`` and ``reportgen minutes``: one meeting file, three products."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.commands.params import FormatList

_meeting = click.argument("meeting", type=click.Path(dir_okay=False, path_type=Path))
_output = click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("out"), show_default=True, help="Folder to write to (created if missing).")
_style = click.option("--style", "style_name", default=None, help="House style instead of the meeting file's.")
_formats = click.option("--format", "formats", type=FormatList(choices=("docx", "pdf")), default="docx,pdf",
                        show_default=True, help="Comma-separated formats: docx, pdf.")


@click.command()
@_meeting
@_output
@_formats
@_style
def agenda(meeting: Path, out_dir: Path, formats: list[str], style_name: str | None) -> None:
    """The agenda for MEETING (a meeting.yaml): front sheet and items with their pages in the pack."""
    from reportgen.writers import start_importing_writers

    start_importing_writers(["pdf"])  # its page numbers come from laying out the pack
    from reportgen.meeting_build import build_agenda

    for path in build_agenda(meeting, out_dir, formats, style_name).values():
        click.echo(str(path))


@click.command()
@_meeting
@_output
@_style
def pack(meeting: Path, out_dir: Path, style_name: str | None) -> None:
    """The public and private agenda packs for MEETING, one PDF each."""
    from reportgen.writers import start_importing_writers

    start_importing_writers(["pdf"])
    from reportgen.meeting_build import build_packs

    for path in build_packs(meeting, out_dir, style_name).values():
        click.echo(str(path))


@click.command()
@_meeting
@_output
@_formats
@_style
def minutes(meeting: Path, out_dir: Path, formats: list[str], style_name: str | None) -> None:
    """The minutes of MEETING, marked draft until the meeting file says they are approved."""
    from reportgen.writers import writers_started

    with writers_started(formats, pdf_process=True):
        from reportgen.meeting_build import build_minutes

        written = build_minutes(meeting, out_dir, formats, style_name)
    for path in written.values():
        click.echo(str(path))
