"""Statements from data inside reports: the same sentences as `reportgen statements`, traceable to rows."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml

from reportgen import pipeline
from tests.conftest import EXAMPLE_SPEC, SHARED_DATA, example_spec_data, pdf_to_text

DATA = EXAMPLE_SPEC.parent / "data" / "child_protection.csv"


def squash(text: str) -> str:
    return " ".join(text.split())


def cli_statements(measure: str, *extra: str) -> dict[str, str]:
    """kind -> text, as the statements command prints them (the reference for what reports embed)."""
    out = subprocess.run([sys.executable, "-m", "reportgen", "statements", str(DATA), "--measure", measure,
                          "--area", "Harrowdale", "--json", *extra], capture_output=True, text=True, check=True)
    return {s["kind"]: s["text"] for s in json.loads(out.stdout)["statements"]}


def again(text: str, measure_id: str) -> str:
    """A statement as prose prints it straight after another about the same measure."""
    from reportgen.data.contracts import load_contract
    from reportgen.metrics.phrasing import said_again

    return said_again(text, load_contract(None).measure(measure_id))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return pipeline.build(EXAMPLE_SPEC, tmp_path_factory.mktemp("data"), ["docx", "pdf"])


def test_prose_placeholders_become_the_statements_in_word_and_pdf(built):
    count, repeat = cli_statements("cpp_count", "--band-tolerance", "4"), cli_statements("cpp_repeat_pct")
    assert count["band"].startswith("The number of children subject to a child protection plan has stayed within 4% "
                                    "of 250 since March 2017")  # the example's data.band_tolerance
    pdf = squash(pdf_to_text(built["pdf"]))
    word = squash("\n".join(p.text for p in docx.Document(built["docx"]).paragraphs))
    # a statement straight after one about the same measure says "it" (the prose has band then spike,
    # latest then change, proportion then change); the others are the statements command's, word for word
    for sentence in (count["band"], again(count["spike"], "cpp_count"), count["latest"],
                     again(count["change"], "cpp_count"), repeat["benchmark"], repeat["proportion"],
                     again(repeat["change"], "cpp_repeat_pct")):
        assert sentence in pdf and sentence in word
    assert "257 in September 2018. It fell from 275 in August 2018 to 257 in September 2018" in pdf
    assert "[[" not in pdf and "[[" not in word
    assert "higher than statistical neighbours (20%) and England (19%)" in pdf


def test_data_behind_this_report_lists_every_row_the_statements_used(built):
    document = docx.Document(built["docx"])
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix 2: Data behind this report" in headings
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    count_rows = next(t for t in tables if ["Harrowdale", "August 2018", "275", "child_protection.csv, row 21"] in t)
    assert count_rows[0] == ["Area", "Period", "Value", "Source"]
    # band since 2017-03 and the spike's XmR baseline reach back to the first row of the series
    assert [r[3] for r in count_rows[1:]] == [f"child_protection.csv, row {n}" for n in range(2, 23)]
    # the year to date against last year, and against the comparators' latest published figures (2016/17),
    # each value to the places the file gives, so "27%" and "up 2 points" can be checked against 26.8 and 29.0
    repeat_rows = next(t for t in tables if ["England", "2016/17", "18.7", "", "child_protection.csv, row 27"] in t)
    assert repeat_rows[0] == ["Area", "Period", "Value", "Counts", "Source"]
    assert ["Harrowdale", "April to August 2018", "26.8", "30 of 112", "child_protection.csv, row 25"] in repeat_rows
    assert ["Harrowdale", "2017/18", "29.0", "81 of 279", "child_protection.csv, row 24"] in repeat_rows
    assert ["Statistical neighbours", "2016/17", "20.4", "", "child_protection.csv, row 26"] in repeat_rows


def test_the_appendix_names_periods_one_way_and_writes_figures_in_en_gb_whatever_the_file(tmp_path):
    """One file wrote "Aug-18" and "1,486", the next "September 2018": the appendix printed each as written
    but "1,486" as 1486, and said it printed them "as they appear in the files"."""
    (tmp_path / "a.csv").write_text('measure,area,period,value\ncpp_count,Harrowdale,Aug-18,"1,486"\n',
                                    encoding="utf-8")
    (tmp_path / "b.csv").write_text("measure,area,period,value\ncpp_count,Harrowdale,September 2018,1512\n",
                                    encoding="utf-8")
    spec = write_spec(tmp_path, summary="[[cpp_count:latest]] [[cpp_count:change]]", sections=[])
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["data"] = {"files": [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")], "measures": ["cpp_count"]}
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = build_cli(spec, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(
        next((tmp_path / "out").glob("*.docx"))).tables]
    assert tables[-1] == [["Area", "Period", "Value", "Source"],
                          ["Harrowdale", "August 2018", "1,486", "a.csv, row 2"],
                          ["Harrowdale", "September 2018", "1,512", "b.csv, row 2"]]
    pdf = squash(pdf_to_text(next((tmp_path / "out").glob("*.pdf"))))
    assert "Harrowdale August 2018 1,486 a.csv, row 2" in pdf
    assert "Periods are named as the statements name them" in pdf and "as they appear in the files" not in pdf


def write_spec(tmp_path: Path, **changes) -> Path:
    spec = example_spec_data()
    spec["data"]["files"] = [str(DATA)]
    for key, value in changes.items():
        spec[key] = value
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def build_cli(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", "build", str(spec), "-o", str(out)],
                          capture_output=True, text=True)


@pytest.mark.parametrize("changes, message", [
    ({"summary": "Numbers: [[cin_count:latest]]"},
     "summary: [[cin_count:latest]]: cin_count is not in data.measures (did you mean 'cpp_count'?)"),
    ({"summary": "Numbers: [[cpp_count:shift]]"},
     "report.yaml: summary: [[cpp_count:shift]]: the data gives no 'shift' statement for cpp_count "
     "(it supports: latest, change"),
    ({"data": {"files": ["nowhere.csv"], "measures": ["cpp_count"]}}, "data.files: data file not found"),
    ({"data": {"files": [str(DATA)], "measures": ["cpp_count", "cpp_repeat_pct"], "as_of": "Smarch 2018"}},
     "data.as_of: unrecognised month name 'Smarch' in 'Smarch 2018'"),
    ({"data": None}, "summary: [[cpp_count:band]], [[cpp_count:spike]] and [[cpp_repeat_pct:benchmark]] need a "
                     "data: section naming the data files and the measures"),
    ({"data": {"files": [str(DATA)], "measures": ["cpp_count", "cpp_repeat_pct"], "band_tolerance": {"cin_count": 4}}},
     "data.band_tolerance: cin_count not in data.measures (cpp_count, cpp_repeat_pct)"),
    ({"data": {"files": [str(DATA)], "measures": ["cpp_count", "cpp_repeat_pct"], "band_tolerance": {"cpp_count": 0}}},
     "data.band_tolerance.cpp_count: Input should be greater than 0"),
    ({"summary": "[[cpp_count:bnad]]"}, "summary: [[cpp_count:bnad]]: 'bnad' is not a kind of statement (did you "
                                        "mean 'band'?); the kinds are latest, proportion, change, year_on_year"),
])
def test_bad_data_references_stop_the_build_with_a_clear_message(tmp_path, changes, message):
    out = tmp_path / "out"
    result = build_cli(write_spec(tmp_path, **changes), out)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("as_of, named", [
    ("2019-09", "September 2019"),  # a year out: EES files run years ahead, so this would state later figures
    ("2018-10", "October 2018"),    # the meeting's own month (9 October 2018): not over by the meeting
])
def test_data_as_of_after_the_meeting_date_is_refused_naming_both_fields(tmp_path, as_of, named):
    spec = write_spec(tmp_path)
    text = spec.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["data"]["as_of"] = as_of
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    line = next(i for i, t in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if "as_of:" in t)
    result = build_cli(spec, tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (f"{spec}: data.as_of: the report is written as at {named}, which ends after the meeting on "
            "9 October 2018 (header.meeting_date): its figures cannot all be in by then; check the period and the "
            f"meeting date (got '{as_of}') (line {line})") in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_data_as_of_by_the_meeting_date_builds_and_a_runs_period_is_not_the_specs_to_check(tmp_path):
    spec = write_spec(tmp_path, summary="[[cpp_count:latest]]", sections=[], appendices=[])
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["data"]["as_of"] = "2018-09"  # ends 30 September, before the meeting on 9 October 2018
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert "257 in September 2018" in pipeline.build(spec, tmp_path / "a", ["html"])["html"].read_text("utf-8")
    data["data"]["as_of"] = "2019-09"  # overridden by distribute --period: the spec's own value is not used
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    written = pipeline.build(spec, tmp_path / "b", ["html"], period="2018-08")
    assert "275 in August 2018" in written["html"].read_text("utf-8")


def test_every_missing_statement_is_named_by_the_spec_field_that_asks_for_it(tmp_path):
    spec = write_spec(tmp_path, summary="[[cpp_count:latest]] [[cpp_repeat_pct:record]]",
                      sections=[{"heading": "Plans", "body": "[[cpp_count:shift]]"}])
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["data"]["as_of"] = "2018-08"
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = build_cli(spec, tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "2 problems in the report spec" in result.stderr
    assert (f"{spec}: summary: [[cpp_repeat_pct:record]]: the data gives no 'record' statement for "
            "cpp_repeat_pct as at 2018-08 (it supports: proportion, change, benchmark)") in result.stderr
    assert f"{spec}: sections[1] (\"Plans\").body: [[cpp_count:shift]]: the data gives no 'shift' statement" \
        in result.stderr


def test_a_build_says_when_the_data_has_warnings_and_still_builds(tmp_path):
    rows = DATA.read_text(encoding="utf-8").splitlines()
    gappy = tmp_path / "gaps.csv"  # no 2017/18 re-plans figure, and no March 2018 count
    gappy.write_text("\n".join(r for r in rows if ",2017/18," not in r and ",2018-03," not in r) + "\n",
                     encoding="utf-8")
    spec = yaml.safe_load(write_spec(tmp_path).read_text(encoding="utf-8"))
    spec["data"]["files"] = [str(gappy)]
    spec["sections"], spec["appendices"] = [], []
    spec["summary"] = "[[cpp_count:latest]] [[cpp_repeat_pct:proportion]]"  # the gap ends the band
    path = tmp_path / "gaps.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = build_cli(path, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (f"WARNING: {path}: 2 data warnings; the first: {gappy}: measure cpp_count, area Harrowdale: no value for "
            f"2018-03 (a gap in a monthly series); `reportgen check {gappy} --area Harrowdale` lists them all "
            "(or run with -v)") in result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 3
    clean = build_cli(write_spec(tmp_path), tmp_path / "clean")
    assert clean.returncode == 0 and "warning" not in clean.stderr.lower()


def test_period_override_writes_as_at_that_period(tmp_path):
    spec = write_spec(tmp_path, summary="[[cpp_count:latest]] [[cpp_count:spike]]",
                      sections=[], appendices=[])
    written = pipeline.build(spec, tmp_path / "out", ["html"], period="2018-08")
    text = squash(written["html"].read_text(encoding="utf-8"))
    expected = cli_statements("cpp_count", "--as-of", "2018-08")
    assert expected["latest"] in text and "275 in August 2018" in expected["latest"]
    assert again(expected["spike"], "cpp_count") in text


def test_officers_template_syntax_is_still_text_beside_placeholders(tmp_path):
    spec = write_spec(tmp_path, summary="{{ data }} and [[cpp_count:latest]] & <b>x</b>")
    written = pipeline.build(spec, tmp_path / "out", ["html"])
    html = written["html"].read_text(encoding="utf-8")
    assert "{{ data }} and The number of children subject to a child protection plan was 257" in html
    assert "&amp; &lt;b&gt;x&lt;/b&gt;" in html


def test_it_only_straight_after_the_same_measure_in_the_same_paragraph(tmp_path):
    spec = write_spec(tmp_path, summary="[[cpp_count:latest]] [[cpp_count:change]]\n\n[[cpp_count:year_on_year]] "
                                        "[[cpp_repeat_pct:proportion]] Words. [[cpp_repeat_pct:change]]",
                      sections=[], appendices=[])
    text = squash(pipeline.build(spec, tmp_path / "out", ["html"])["html"].read_text(encoding="utf-8"))
    assert "in September 2018. It fell from 275 in August 2018" in text
    assert "Compared with a year earlier, the number of children subject to a child protection plan rose" in text
    assert "The percentage of child protection plans starting that were a second or subsequent plan was 27% (30" in text
    assert "Words. The percentage of child protection plans" in text  # officers' words between: named again


def test_a_councils_own_contract_is_found_beside_the_spec_from_any_folder(tmp_path):
    """Like the data files: an adopter's `contract: trafford.yaml` worked only when run from the spec's folder."""
    contract = yaml.safe_load((EXAMPLE_SPEC.parents[2] / "data_contracts" / "childrens_social_care.yaml")
                              .read_text(encoding="utf-8"))
    contract["measures"]["cpp_count"]["label"] = "children on a protection plan"
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "ours.yaml").write_text(yaml.safe_dump(contract), encoding="utf-8")
    data = example_spec_data()["data"] | {"files": [str(DATA)], "contract": "ours.yaml"}
    spec = write_spec(folder, data=data, summary="[[cpp_count:latest]]")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(spec), "-o", "out"], cwd=elsewhere,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "The number of children on a protection plan was" in squash(pdf_to_text(next((elsewhere / "out")
                                                                                          .glob("*.pdf"))))
    (folder / "ours.yaml").unlink()
    missing = build_cli(spec, tmp_path / "o2")
    assert missing.returncode == 2 and f"contract file not found: {folder / 'ours.yaml'}" in missing.stderr


def neighbours_spec(tmp_path: Path, area: str, as_of: str = "2022/23") -> Path:
    """A report on one council's re-plans from the DfE's D3 file, against its statistical neighbours."""
    ees = SHARED_DATA / "ees"
    spec = example_spec_data()
    spec["header"]["meeting_date"] = "2023-12-12"
    spec["data"] = {"files": [str(ees / "d3_cpps_subsequent_plan_2013_to_2025.csv")], "area": area,
                    "as_of": as_of, "measures": ["cpp_repeat_pct"], "neighbours": str(ees / "sn_model_2025_wide.csv")}
    spec["summary"], spec["sections"], spec["appendices"] = "[[cpp_repeat_pct:benchmark]]", [], []
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_a_neighbours_average_missing_a_neighbour_says_so_in_the_sentence_and_the_appendix(tmp_path):
    """Westminster, one of Camden's ten statistical neighbours, published 'c' for 2022/23."""
    document = docx.Document(pipeline.build(neighbours_spec(tmp_path, "Camden"), tmp_path / "out", ["docx"])["docx"])
    text = squash("\n".join(p.text for p in document.paragraphs))
    assert "and statistical neighbours (19%, the average of the 9 of 10 with a published figure), which is worse" \
        in text
    rows = next(t for t in ([[c.text for c in row.cells] for row in t.rows] for t in document.tables)
                if t[0][0] == "Area")
    at = next(i for i, row in enumerate(rows) if row[0] == "Statistical neighbours")
    assert rows[at][1:3] == ["2022/23", "19.01"]
    assert rows[at][-1] == "the mean of the 9 published figures below; 1 of the 10 has no published figure for " \
                           "this period"
    below = rows[at + 1:at + 11]
    assert next(r for r in below if r[0] == "Westminster")[:3] == ["Westminster", "2022/23", "not published (c)"]
    assert sum(Decimal(r[2]) for r in below if r[0] != "Westminster") == Decimal("171.1")  # / 9 = 19.01


def test_a_report_asking_for_the_neighbours_of_a_council_not_in_the_model_is_refused_at_data_neighbours(tmp_path):
    """Cumbria was abolished in 2023, before the 2025 model: a report that asks for its neighbours cannot have
    them (``reportgen statements --neighbours`` only warns), and waiting will not bring them."""
    spec = neighbours_spec(tmp_path, "Cumbria")
    result = build_cli(spec, tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = spec.read_text(encoding="utf-8").splitlines().index(next(
        t for t in spec.read_text(encoding="utf-8").splitlines() if t.strip().startswith("neighbours:"))) + 1
    assert (f"{spec}: data.neighbours: {SHARED_DATA / 'ees' / 'sn_model_2025_wide.csv'}: column la_name: no row "
            "for 'Cumbria': the model lists the councils that existed when it was made, so a council abolished "
            "before then (Cumbria and Northamptonshire, in the 2025 model) has no statistical neighbours in it "
            f"(rule: known local authority) (line {line})") in result.stderr
    assert "hint: take data.neighbours out of the spec" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
