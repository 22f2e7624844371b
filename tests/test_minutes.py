"""Minutes read back from Word and PDF: the same resolutions, numbered and marked as the seeds are."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from docx.enum.text import WD_TAB_LEADER

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


def example_data() -> dict:
    """The example meeting file's fields, its reports' paths made absolute so that a copy elsewhere finds them."""
    data = yaml.safe_load(MEETING.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item.get("report"):
            item["report"] = str((MEETING.parent / item["report"]).resolve())
    return data


def meeting_file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


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
    private, public = resolution_paragraphs(minutes["private-docx"]), resolution_paragraphs(minutes["public-docx"])
    assert len(private) == len(public)  # the exempt item's decision is published in its public summary
    assert private[-1].startswith("RECOMMENDED to Cabinet – That the framework contract be awarded to Northcote")
    assert public[-1].startswith("RECOMMENDED to Cabinet – That the framework contract be awarded to the bidder")


def test_minute_numbers_follow_the_house_pattern_in_sequence(minutes):
    pdf = pdf_to_text(minutes["public-pdf"])
    headings = re.findall(r"^(\d+/18) (.+)$", pdf, re.M)
    # The minutes of 11 September 2018 (item 3's report) end at 28/18.
    assert "28/18" in pdf_to_text(MEETING.parent / "previous-minutes.pdf")
    assert [number for number, _ in headings] == ["29/18", "30/18", "31/18", "32/18", "33/18", "34/18", "35/18",
                                                  "36/18"]
    assert headings[0][1] == "Apologies for absence"
    assert headings[6][1] == "Exclusion of the press and public"
    assert headings[7][1] == "Residential placement framework contract award"


EXCLUSION = ("RESOLVED – That under section 100A(4) of the Local Government Act 1972 the press and public be excluded "
             "from the meeting for the following item of business on the grounds that it involves the likely "
             "disclosure of exempt information as defined in paragraph 3 of Part 1 of Schedule 12A to the Act.")


def test_the_exclusion_of_the_press_and_public_is_minuted_as_the_agenda_proposed_it(minutes, tmp_path):
    agenda = squash(pdf_to_text(meeting_build.build_agenda(MEETING, tmp_path, ["pdf"])["pdf"]))
    proposed = agenda.split("The Committee is asked to consider passing the following resolution: ")[1]
    assert proposed.startswith(EXCLUSION.removeprefix("RESOLVED – "))
    for audience in ("public", "private"):
        for text in (squash(pdf_to_text(minutes[f"{audience}-pdf"])), docx_text(minutes[f"{audience}-docx"])):
            minute = text.split("35/18 Exclusion of the press and public ")[1]
            assert minute.startswith(EXCLUSION)
            assert minute.index(EXCLUSION) < minute.index("36/18 Residential placement framework contract award")
        assert EXCLUSION in resolution_paragraphs(minutes[f"{audience}-docx"])


def test_attendance_apologies_and_declarations_are_recorded(minutes):
    text = squash(pdf_to_text(minutes["public-pdf"]))
    assert "Councillors Priya Shah (Chair), Tom Whitfield (Vice-Chair), Angela Brown, Fiona Gallagher" in text
    assert "Mark Davies," not in text.split("Apologies for absence were")[0].split("Present")[1]
    assert "Substitutes: Councillor Lucy Evans for Councillor Mark Davies." in text
    assert "Apologies for absence were received from Councillor Mark Davies." in text
    assert "Councillor Fiona Gallagher declared a other registrable interest in item 7" not in text  # grammar
    assert ("Councillor Fiona Gallagher declared an other registrable interest in item 7, Residential placement "
            "framework contract award (minute 36/18): she is a trustee of a charity that bid for the contract.") in text
    assert "Jo Bennett, Acting Director of Safeguarding" in text


def present_and_signature(written: dict[str, Path]) -> list[tuple[str, str]]:
    """The "Present" paragraph and the Chair's signature line, as the Word and the PDF minutes print them."""
    found = []
    for text in (squash(pdf_to_text(written["public-pdf"])), docx_text(written["public-docx"])):
        present = text.split("Present ")[1].split(" Substitutes:")[0]
        found.append((present, re.search(r"Signed (\w+):", text).group(1)))
    return found


def test_a_chair_who_sent_apologies_is_minuted_as_followed_by_the_vice_chair_in_the_chair(tmp_path):
    data = example_data()
    data["apologies"].append({"member": "Priya Shah"})
    written = meeting_build.build_minutes(meeting_file(tmp_path, data), tmp_path / "out", ["docx", "pdf"])
    present = ("Councillors Tom Whitfield (Vice-Chair, in the Chair), Angela Brown, Fiona Gallagher, Hassan Iqbal "
               "and Rachel Moore.")
    # The minutes are signed by whoever chairs the meeting that approves them, as Chair.
    assert present_and_signature(written) == [(present, "Chair")] * 2


def test_the_member_the_minutes_name_in_the_chair_is_minuted_first(tmp_path):
    data = example_data()
    data["apologies"] += [{"member": "Priya Shah"}, {"member": "Tom Whitfield"}]
    data["minutes"]["in_the_chair"] = "Hassan Iqbal"
    written = meeting_build.build_minutes(meeting_file(tmp_path, data), tmp_path / "out", ["docx", "pdf"])
    present = "Councillors Hassan Iqbal (in the Chair), Angela Brown, Fiona Gallagher and Rachel Moore."
    assert present_and_signature(written) == [(present, "Chair")] * 2


@pytest.mark.parametrize("absent, in_the_chair, message", [
    (["Priya Shah", "Tom Whitfield"], None,
     "the Chair, Priya Shah, sent apologies (apologies[2]) and the Vice-Chair, Tom Whitfield, is not present "
     "either, so the minutes cannot say who took the chair; set in_the_chair to the member present who did"),
    (["Priya Shah"], "Mark Davies",
     "Mark Davies is not among the members present (Tom Whitfield, Angela Brown, Fiona Gallagher, Hassan Iqbal, "
     "Rachel Moore); name the member present who took the chair"),
])
def test_minutes_that_cannot_say_who_was_in_the_chair_stop_naming_the_field(tmp_path, absent, in_the_chair,
                                                                             message):
    data = example_data()
    data["apologies"] += [{"member": name} for name in absent]
    if in_the_chair:
        data["minutes"]["in_the_chair"] = in_the_chair
    path = meeting_file(tmp_path, data)
    result = run_minutes(path, tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    found = re.search(rf"{re.escape(str(path))}: minutes\.in_the_chair: {re.escape(message)} \(line (\d+)\)",
                      result.stderr)
    assert found, result.stderr
    line = path.read_text(encoding="utf-8").splitlines()[int(found.group(1)) - 1]
    assert line == (f"  in_the_chair: {in_the_chair}" if in_the_chair else "minutes:")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_apologies_from_several_members_are_minuted_as_councillors_a_b_and_c(tmp_path):
    data = example_data()
    data["apologies"] += [{"member": "Hassan Iqbal"}, {"member": "Rachel Moore"}]
    written = meeting_build.build_minutes(meeting_file(tmp_path, data), tmp_path / "out", ["docx", "pdf"])
    said = "Apologies for absence were received from Councillors Mark Davies, Hassan Iqbal and Rachel Moore."
    assert said in squash(pdf_to_text(written["public-pdf"])) and said in squash(docx_text(written["public-docx"]))


def test_a_declaration_keeps_item_and_minute_with_their_numbers_in_word_and_pdf(tmp_path):
    """"... interest in item / 7, Residential ..." split the item from its number across lines."""
    names = ["Alexandra Whitfield", "Alexandra Whitfeld", "Alexander Whitfield", "Alexandra Whitfields"]
    data = example_data()
    data["membership"]["members"] += names
    data["declarations"] = [{"member": name, "item": 7, "type": "disclosable pecuniary", "nature": "a contract."}
                            for name in names]
    written = meeting_build.build_minutes(meeting_file(tmp_path, data), tmp_path / "out", ["docx", "pdf"])
    pdf = pdf_to_text(written["public-pdf"])
    declarations = pdf[pdf.index("Declarations of interest"):pdf.index("Minutes of the last meeting")]
    assert declarations.count("declared a disclosable pecuniary interest") == len(names)
    assert not re.search(r"\b(item|minute)\n", declarations), declarations
    assert squash(declarations).count("interest in item 7, Residential placement framework contract award "
                                      "(minute 36/18): a contract.") == len(names)
    said = [p.text for p in docx.Document(written["public-docx"]).paragraphs if "declared a" in p.text]
    assert len(said) == len(names)
    assert all("interest in item\u00a07, Residential" in text and "(minute\u00a036/18)" in text for text in said)


def test_draft_until_approved_then_not(minutes, tmp_path):
    assert "DRAFT – subject to approval" in pdf_to_text(minutes["public-pdf"])
    assert "DRAFT – subject to approval" in docx_text(minutes["public-docx"])
    data = example_data()
    data["minutes"].update(approved=True, approved_on="2018-12-11")
    written = meeting_build.build_minutes(meeting_file(tmp_path, data), tmp_path / "out", ["docx", "pdf"])
    assert "DRAFT" not in pdf_to_text(written["public-pdf"])
    assert "DRAFT" not in docx_text(written["public-docx"])


def test_public_minutes_withhold_the_exempt_minute_and_private_keep_it(minutes):
    public = squash(pdf_to_text(minutes["public-pdf"])) + docx_text(minutes["public-docx"])
    private = squash(pdf_to_text(minutes["private-pdf"]))
    assert "Northcote" not in public
    assert "This minute is not for publication" in public
    assert "RECOMMENDED to Cabinet – That the framework contract be awarded to Northcote Care Ltd" in private


SUMMARY = ("The Committee considered the evaluation of the tenders for the residential placement framework contract. "
           "RECOMMENDED to Cabinet – That the framework contract be awarded to the bidder recommended in the exempt "
           "report, for three years from 1 January 2019.")


def test_public_minutes_give_the_exempt_items_public_summary_under_the_notice(minutes):
    """Section 100C(2) LGA 1972: a summary where leaving the exempt minute out leaves no fair record."""
    for public in (squash(pdf_to_text(minutes["public-pdf"])), docx_text(minutes["public-docx"])):
        minute = public.split("36/18 Residential placement framework contract award ")[1]
        assert minute.startswith("This minute is not for publication: it contains exempt information")
        assert SUMMARY in minute
    private = squash(pdf_to_text(minutes["private-pdf"]))
    assert SUMMARY not in private  # the private minutes give the minute itself


def test_a_member_who_left_the_meeting_is_minuted_under_the_item(minutes):
    left = "Councillor Fiona Gallagher left the meeting during consideration of this item."
    for audience in ("public", "private"):
        text = squash(pdf_to_text(minutes[f"{audience}-pdf"]))
        assert text.count(left) == 1
        assert text.index("36/18 Residential placement") < text.index(left) < text.index("Actions agreed")


def test_an_exempt_minute_without_a_public_summary_is_warned_about(tmp_path):
    data = example_data()
    for item in data["items"]:
        if item.get("exempt_paragraph"):
            del item["minute"]["public_summary"]
    result = run_minutes(meeting_file(tmp_path, data), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert ("WARNING: item 7 (Residential placement framework contract award): its minute is exempt and has no "
            "public_summary") in result.stderr
    assert "public_summary" not in run_minutes(MEETING, tmp_path / "example").stderr


def run_minutes(path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reportgen", "minutes", str(path), "-o", str(out), "--format", "docx"]
    return subprocess.run(command, capture_output=True, text=True)


def test_private_minutes_are_titled_and_marked_not_for_publication_on_every_page(minutes):
    from pypdf import PdfReader

    private, public = PdfReader(minutes["private-pdf"]), PdfReader(minutes["public-pdf"])
    assert private.metadata.title == ("Corporate Parenting Committee: minutes (private, not for publication), "
                                      "23 October 2018")
    assert public.metadata.title == "Corporate Parenting Committee: minutes, 23 October 2018"
    assert docx.Document(minutes["private-docx"]).core_properties.title == private.metadata.title
    pages = pdf_to_text(minutes["private-pdf"]).split("\f")[:-1]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "NOT FOR PUBLICATION" in page, f"private minutes page {number} is not marked"
    header = docx.Document(minutes["private-docx"]).sections[0].header.paragraphs[0].text
    assert header.endswith("– NOT FOR PUBLICATION")
    assert docx_text(minutes["private-docx"]).startswith("NOT FOR PUBLICATION. Private minutes")
    assert "NOT FOR PUBLICATION" not in pdf_to_text(minutes["public-pdf"]) + docx_text(minutes["public-docx"])


def test_the_signature_is_never_alone_on_its_page_in_pdf(minutes):
    for audience in ("public", "private"):
        page = next(p for p in pdf_to_text(minutes[f"{audience}-pdf"]).split("\f") if "Signed" in p)
        assert "Chair:" in page and "Date:" in page
        assert "Report on the mapping of" in page, f"{audience}: the signature is on a page of its own"


def test_the_signature_keeps_with_the_actions_table_in_word(minutes):
    """Word keeps a paragraph on the next one's page only when it says "keep with next"."""
    document = docx.Document(minutes["private-docx"])
    last_row = document.tables[-1].rows[-1]
    assert all(p.paragraph_format.keep_with_next for cell in last_row.cells for p in cell.paragraphs)
    chair = next(p for p in document.paragraphs if p.text.startswith("Chair:"))
    assert chair.paragraph_format.keep_with_next


def test_the_lines_to_sign_on_are_drawn_not_typed_as_dots_a_screen_reader_reads_out(minutes):
    """An audit heard "Chair: ......" as 62 full stops; the line is now a border in PDF, a dot leader in Word."""
    signed = squash(pdf_to_text(minutes["public-pdf"])).split("Signed ")[-1]
    assert signed.startswith("Chair: Date:") and "..." not in signed
    word = [p for p in docx.Document(minutes["public-docx"]).paragraphs if p.style.name == "Signature"]
    assert [p.text for p in word] == ["Chair:\t", "Date:\t"]
    stop = word[0].style.paragraph_format.tab_stops[0]
    assert stop.leader == WD_TAB_LEADER.DOTS and stop.position > docx.shared.Cm(10)


def test_actions_table_and_signature_line(minutes):
    table = docx.Document(minutes["public-docx"]).tables[-1]
    rows = [[squash(c.text) for c in row.cells] for row in table.rows]
    assert rows[0] == ["Minute", "Action", "Owner", "Due"]
    assert rows[1] == ["32/18", "Report on the mapping of domestic abuse services",
                       "Acting Director of Safeguarding", "11 December 2018"]
    text = pdf_to_text(minutes["public-pdf"])
    assert re.search(r"^Signed\nChair:\nDate:$", text, re.M)


def test_an_actions_due_date_is_never_broken_over_lines_in_word_or_pdf(minutes, tmp_path):
    """"11 / December / 2018" down a narrow Due column reads as three things; a date stays on one line."""
    from tests.conftest import soffice_convert

    word_as_pdf = soffice_convert(minutes["public-docx"], tmp_path)
    for pdf in (minutes["public-pdf"], word_as_pdf):
        actions = pdf_to_text(pdf, layout=True).split("Actions agreed at this meeting")[1]
        row = next(line for line in actions.splitlines() if line.strip().startswith("32/18"))
        assert row.rstrip().endswith("11 December 2018"), (pdf.name, row)


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
