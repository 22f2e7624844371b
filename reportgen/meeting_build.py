"""``reportgen agenda | pack | minutes``: a meeting file to its published documents, top to bottom.

    meeting.yaml ─validate─▶ MeetingSpec + HouseStyle (reports exist, numbers unique, minute pattern)
                 ─sources──▶ every item's report read (spec composed, PDF opened, .docx converted)
                 ─layout───▶ pack per audience (agenda page ranges settle against real pages)
                 ─write────▶ bytes in memory ─publish─▶ files (atomic)

As for reports, nothing is written until everything has rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportgen.forked import start_in_child
from reportgen.meeting_checks import check_chair, load_meeting, warn_of_late_publication, warn_of_public_summaries
from reportgen.meeting_docs import Audience, agenda_document, has_exempt_minutes, minutes_document
from reportgen.output import prepare_folder, write_atomically
from reportgen.pipeline import publish, render_formats

DOC_FORMATS = ("docx", "pdf")


def build_agenda(path: Path, out_dir: Path, formats: Sequence[str] = DOC_FORMATS,
                 style_name: str | None = None) -> dict[str, Path]:
    """The published agenda, its page ranges taken from the public pack's real layout."""
    from reportgen import pack
    from reportgen.pack_sources import load_sources

    meeting, style = load_meeting(path, style_name)
    warn_of_late_publication(meeting)
    prepare_folder(out_dir)
    sources = load_sources(meeting, style)
    layout = pack.lay_out(meeting, style, sources, "public")
    pages = {number: pack.page_range_text(*span) for number, span in layout.ranges.items()}
    document = agenda_document(meeting, style, pages)
    rendered = render_formats(document, style, formats)
    return publish(rendered, out_dir, f"{meeting.file_stem()}-agenda")


def build_packs(path: Path, out_dir: Path, style_name: str | None = None) -> dict[str, Path]:
    """``<name>-public-pack.pdf`` (exempt reports withheld) and ``<name>-private-pack.pdf`` (everything)."""
    from reportgen import pack
    from reportgen.pack_sources import load_sources

    meeting, style = load_meeting(path, style_name)
    warn_of_late_publication(meeting)
    prepare_folder(out_dir)
    sources = load_sources(meeting, style)

    def write(audience: Audience) -> bytes:
        return pack.write_pack(pack.lay_out(meeting, style, sources, audience), meeting, style, audience)

    # The two packs share nothing once the sources are read: the private one is laid out on a second core.
    private = start_in_child(lambda: write("private"), "the private pack")
    rendered = {"public": write("public"), "private": private()}
    written = {}
    for audience, data in rendered.items():
        target = out_dir / f"{meeting.file_stem()}-{audience}-pack.pdf"
        write_atomically(target, data)
        written[audience] = target
    return written


def build_minutes(path: Path, out_dir: Path, formats: Sequence[str] = DOC_FORMATS,
                  style_name: str | None = None) -> dict[str, Path]:
    """``<name>-minutes`` for publication, and ``<name>-minutes-private`` when an exempt item has a minute."""
    meeting, style = load_meeting(path, style_name)
    check_chair(meeting, path)
    warn_of_public_summaries(meeting)
    prepare_folder(out_dir)
    audiences = ["public", "private"] if has_exempt_minutes(meeting) else ["public"]
    rendered: dict[str, dict[str, bytes]] = {}
    for audience in audiences:
        document = minutes_document(meeting, style, audience)  # type: ignore[arg-type]
        rendered[audience] = render_formats(document, style, formats)
    written = {}
    for audience, files in rendered.items():
        suffix = "minutes" if audience == "public" else "minutes-private"
        for fmt, target in publish(files, out_dir, f"{meeting.file_stem()}-{suffix}").items():
            written[f"{audience}-{fmt}"] = target
    return written
