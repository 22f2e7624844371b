"""Minutes read back from Word and PDF: the same resolutions, numbered and marked as the seeds are."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
import yaml

from reportgen import meeting_build
from tests.conftest import REPO, pdf_to_text

MEETING = REPO / "examples" / "committee-meeting" / "meeting.yaml"


def squash(text: str) -> str:
    return " ".join(text.split())


def docx_text(path: Path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return squash("\n".join(parts))


@pytest.fixture(scope="module")
def minutes(tmp_path_factory) -> dict[str, Path]:
    return meeting_build.build_minutes(MEETING, tmp_path_factory.mktemp("minutes"))


def resolution_paragraphs(path: Path) -> list[str]:
    """Each resolution and its (i), (ii) parts, as paragraphs of the Word document."""
    found, inside = [], False
    for p in docx.Document(path).paragraphs:
        text = squash(p.text)
        if text.startswith(("RESOLVED – ", "RECOMMENDED to ")):
            found.append(text)
            inside = True
        elif inside and p._p.pPr is not None and p._p.pPr.numPr is not None:
            found.append(text)
        else:
            inside = False
    return found


def test_word_and_pdf_minutes_hold_the_same_resolutions(minutes):
    for audience in ("public", "private"):
        word = resolution_paragraphs(minutes[f"{audience}-docx"])
        pdf = squash(pdf_to_text(minutes[f"{audience}-pdf"]))
        assert "RESOLVED – That the minutes of the meeting held on 11 September 2018 be approved as a correct " \
               "record and signed by the Chair." in word
        assert "notes the performance set out in the report;" in word
        for paragraph in word:
            assert paragraph in pdf
        assert "RESOLVED – That the Committee (i) notes the performance set out in the report; (ii) asks" in pdf
    assert len(resolution_paragraphs(minutes["private-docx"])) == len(resolution_paragraphs(minutes["public-docx"])) + 1


def test_minute_numbers_follow_the_house_pattern_in_sequence(minutes):
    pdf = pdf_to_text(minutes["public-pdf"])
    headings = re.findall(r"^(\d+/18) (.+)$", pdf, re.M)
    assert [number for number, _ in headings] == ["31/18", "32/18", "33/18", "34/18", "35/18", "36/18", "37/18"]
    assert headings[0][1] == "Apologies for absence"


def test_attendance_apologies_and_declarations_are_recorded(minutes):
    text = squash(pdf_to_text(minutes["public-pdf"]))
    assert "Councillors Priya Shah (Chair), Tom Whitfield (Vice-Chair), Angela Brown, Fiona Gallagher" in text
    assert "Mark Davies," not in text.split("Apologies for absence were")[0].split("Present")[1]
    assert "Substitutes: Councillor Lucy Evans for Councillor Mark Davies." in text
    assert "Apologies for absence were received from Councillor Mark Davies." in text
    assert "Councillor Fiona Gallagher declared a other registrable interest in item 7" not in text  # grammar
    assert "Councillor Fiona Gallagher declared an other registrable interest in item 7" in text
    assert "Jo Bennett, Acting Director of Safeguarding" in text


def test_draft_until_approved_then_not(minutes, tmp_path):
    assert "DRAFT – subject to approval" in pdf_to_text(minutes["public-pdf"])
    assert "DRAFT – subject to approval" in docx_text(minutes["public-docx"])
    data = yaml.safe_load(MEETING.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item.get("report"):
            item["report"] = str((MEETING.parent / item["report"]).resolve())
    data["minutes"].update(approved=True, approved_on="2018-12-11")
    approved = tmp_path / "meeting.yaml"
    approved.write_text(yaml.safe_dump(data), encoding="utf-8")
    written = meeting_build.build_minutes(approved, tmp_path / "out", ["docx", "pdf"])
    assert "DRAFT" not in pdf_to_text(written["public-pdf"])
    assert "DRAFT" not in docx_text(written["public-docx"])


def test_public_minutes_withhold_the_exempt_minute_and_private_keep_it(minutes):
    public = squash(pdf_to_text(minutes["public-pdf"])) + docx_text(minutes["public-docx"])
    private = squash(pdf_to_text(minutes["private-pdf"]))
    assert "Northcote" not in public
    assert "This minute is not for publication" in public
    assert "RECOMMENDED to Cabinet – That the framework contract be awarded to Northcote Care Ltd" in private


def test_actions_table_and_signature_line(minutes):
    table = docx.Document(minutes["public-docx"]).tables[-1]
    rows = [[squash(c.text) for c in row.cells] for row in table.rows]
    assert rows[0] == ["Minute", "Action", "Owner", "Due"]
    assert rows[1] == ["34/18", "Report on the mapping of domestic abuse services",
                       "Acting Director of Safeguarding", "11 December 2018"]
    text = pdf_to_text(minutes["public-pdf"])
    assert re.search(r"^Chair: \.{20,}", text, re.M)


@pytest.mark.parametrize("written, said", [("18:30", "6.30pm"), ("9:30", "9.30am"), ('"09:30"', "9.30am")])
def test_an_unquoted_meeting_time_is_the_time_written(tmp_path, written, said):
    """YAML 1.1 reads 18:30 as the number 1110; the minutes once said the meeting was at 12.18am."""
    text = MEETING.read_text(encoding="utf-8")
    assert 'time: "18:30"' in text
    text = text.replace('time: "18:30"', f"time: {written}")
    text = re.sub(r"report: (\S+)", lambda m: f"report: {(MEETING.parent / m.group(1)).resolve()}", text)
    path = tmp_path / "meeting.yaml"
    path.write_text(text, encoding="utf-8")
    written_files = meeting_build.build_minutes(path, tmp_path / "out", ["docx"])
    assert f"held on Tuesday 23 October 2018 at {said}" in docx_text(written_files["public-docx"])
