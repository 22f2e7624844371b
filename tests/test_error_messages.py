"""What an officer reads when a spec is wrong: every problem at once, each at a field and line they can find.

Each case copies an example, breaks it as an officer might, runs the real
command and reads the message as it is printed. Field paths count from 1 and
name the entry (``sections[2] ("Second and subsequent plans").body``), and
every message keeps the shape ``file: field: what is wrong (line N)``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

EXAMPLES = REPO / "examples"


def copy_example(tmp_path: Path, *edits: tuple[str, str], name: str = "cpp-scrutiny") -> Path:
    """The example copied into ``tmp_path`` with each (old, new) text replaced once; its spec's path."""
    for folder in ("cpp-scrutiny", "committee-meeting"):
        shutil.copytree(EXAMPLES / folder, tmp_path / folder)
    spec = tmp_path / name / ("meeting.yaml" if name == "committee-meeting" else "report.yaml")
    text = spec.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    spec.write_text(text, encoding="utf-8")
    return spec


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "reportgen", *map(str, args)], capture_output=True, text=True)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def build(spec: Path) -> str:
    """``reportgen build`` of a bad spec: exits 2, writes nothing; the error it prints."""
    out = spec.parent / "out"
    result = run("build", spec, "-o", out)
    assert result.returncode == 2, result.stderr
    assert not out.exists() or not any(out.iterdir())
    return result.stderr


def problems(err: str) -> list[str]:
    """The numbered problems of an error, in order, without their numbers."""
    lines = [line.strip() for line in err.splitlines()[1:] if not line.strip().startswith("hint:")]
    assert [line.split(". ", 1)[0] for line in lines] == [str(i) for i in range(1, len(lines) + 1)], err
    return [line.split(". ", 1)[1] for line in lines]


def line_of(spec: Path, text: str) -> int:
    return next(i for i, line in enumerate(spec.read_text(encoding="utf-8").splitlines(), start=1) if text in line)


def test_a_bad_date_and_bad_statement_kinds_are_all_reported_in_one_run(tmp_path):
    spec = copy_example(tmp_path, ("meeting_date: 2018-10-09", "meeting_date: 2018-10-32"),
                       ("[[cpp_count:band]] [[cpp_count:spike]]", "[[cpp_count:lastest]] [[cpp_count:spik]]"))
    err = build(spec)
    assert err.startswith("error: 3 problems in the report spec:")
    prose = line_of(spec, "[[cpp_count:lastest]]")
    assert problems(err) == [
        f"{spec}: header.meeting_date: expected a date as YYYY-MM-DD, e.g. 2018-10-09; day value is outside "
        f"expected range (got '2018-10-32') (line {line_of(spec, 'meeting_date')})",
        f"{spec}: summary: [[cpp_count:lastest]]: 'lastest' is not a kind of statement (did you mean 'latest'?); "
        f"the kinds are latest, proportion, change, year_on_year, record, streak, band, spike, shift, benchmark, "
        f"suppressed (line {prose})",
        f"{spec}: summary: [[cpp_count:spik]]: 'spik' is not a kind of statement (did you mean 'spike'?); "
        f"the kinds are latest, proportion, change, year_on_year, record, streak, band, spike, shift, benchmark, "
        f"suppressed (line {prose})",
    ]


def test_every_unlisted_measure_is_named_by_its_field_counted_from_one(tmp_path):
    spec = copy_example(tmp_path, ("[[cpp_count:band]]", "[[cpp_cnt:band]]"),
                       ("[[cpp_repeat_pct:proportion]]", "[[cpp_repeat:proportion]]"))
    assert problems(build(spec)) == [
        f"{spec}: summary: [[cpp_cnt:band]]: cpp_cnt is not in data.measures (did you mean 'cpp_count'?); "
        f"listed: cpp_count, cpp_repeat_pct (line {line_of(spec, '[[cpp_cnt:band]]')})",
        f'{spec}: sections[2] ("Second and subsequent plans").body: [[cpp_repeat:proportion]]: cpp_repeat is not '
        f"in data.measures (did you mean 'cpp_repeat_pct'?); listed: cpp_count, cpp_repeat_pct "
        f"(line {line_of(spec, '[[cpp_repeat:proportion]]')})",
    ]


def test_a_date_in_another_format_is_told_the_format_expected(tmp_path):
    spec = copy_example(tmp_path, ("meeting_date: 2018-10-09", "meeting_date: 09/10/2018"))
    assert problems(build(spec)) == [
        f"{spec}: header.meeting_date: expected a date as YYYY-MM-DD, e.g. 2018-10-09 (got '09/10/2018') "
        f"(line {line_of(spec, 'meeting_date')})"]


def test_an_unknown_style_is_the_style_fields_problem_reported_with_the_others(tmp_path):
    spec = copy_example(tmp_path, ("style: default", "style: Default"), ("wards: All", "wards: ''"))
    assert problems(build(spec)) == [
        f"{spec}: style: unknown style 'Default' (did you mean 'default'?); available: default, kestrel-vale "
        f"(line {line_of(spec, 'style: Default')})",
        f"{spec}: header.wards: String should have at least 1 character (got '') (line {line_of(spec, 'wards:')})",
    ]


def test_an_unknown_template_names_the_template_field(tmp_path):
    spec = copy_example(tmp_path, ("template: committee_report", "template: committee-report"))
    assert problems(build(spec)) == [
        f"{spec}: template: unknown template 'committee-report' (did you mean 'committee_report'?); "
        f"available: committee_report, performance_report (line {line_of(spec, 'template:')})"]


def test_an_area_not_in_the_data_names_the_data_area_field(tmp_path):
    spec = copy_example(tmp_path, ("area: Harrowdale", "area: Harrowdale Council"))
    err = build(spec)
    assert problems(err) == [
        f"{spec}: data.area: no area 'Harrowdale Council' in the data (did you mean 'Harrowdale'?); "
        f"areas: Harrowdale, Statistical neighbours, England (line {line_of(spec, 'area: Harrowdale Council')})"]
    assert "hint: the main area is named as in the data's area" in err


def test_a_network_image_names_the_prose_field_it_is_in(tmp_path):
    spec = copy_example(tmp_path, ("      6.5% of open plans",
                                   "      ![A chart](https://example.com/chart.png)\n\n      6.5% of open plans"))
    err = build(spec)
    assert problems(err) == [
        f"{spec}: sections[3] (\"Length of plans\").body: refused to fetch 'https://example.com/chart.png': "
        f"reportgen never fetches from the network (line {line_of(spec, 'example.com/chart.png')})"]
    assert "hint: documents may only use images and files under the project's templates/ and styles/" in err


def test_a_statement_the_blank_latest_figure_cannot_give_says_which_figure_is_blank(tmp_path):
    spec = copy_example(tmp_path)
    data = spec.parent / "data" / "child_protection.csv"
    rows = data.read_text(encoding="utf-8").splitlines()
    row = next(i for i, r in enumerate(rows, start=1) if r.startswith("cpp_count,Harrowdale,2018-09,"))
    rows[row - 1] = "cpp_count,Harrowdale,2018-09,c,,"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = problems(build(spec))
    assert len(found) == 5  # band and spike in the summary; latest, change, year_on_year in section 1
    assert found[0] == (
        f"{spec}: summary: [[cpp_count:band]]: cpp_count's latest figure, for 2018-09 (child_protection.csv, "
        f"row {row}), is not published ('c' in its place), so no 'band' statement can be made; the data gives "
        f"only: suppressed (write [[cpp_count:suppressed]] to say the figure is not published) "
        f"(line {line_of(spec, '[[cpp_count:band]]')})")
    assert found[2].startswith(f'{spec}: sections[1] ("Number of children on a plan").body: [[cpp_count:latest]]: '
                               "cpp_count's latest figure, for 2018-09")


def test_a_meeting_files_problems_count_items_from_one_and_name_them(tmp_path):
    meeting = copy_example(tmp_path, ("report: ../cpp-scrutiny/report.yaml", "report: ../cpp-scrutiny/gone.yaml"),
                           name="committee-meeting")
    result = run("agenda", meeting, "-o", tmp_path / "out")
    assert result.returncode == 2
    items = yaml.safe_load(meeting.read_text(encoding="utf-8"))["items"]
    index, title = next((i, it["title"]) for i, it in enumerate(items, start=1) if "gone" in str(it.get("report")))
    item = next(p for p in problems(result.stderr) if "gone.yaml" in p)
    assert item.startswith(f'{meeting}: items[{index}] ("{title}").report: report file not found')
    assert item.endswith(f"(line {line_of(meeting, 'gone.yaml')})")


MEETING = REPO / "examples" / "committee-meeting" / "meeting.yaml"
SPEC = REPO / "examples" / "cpp-scrutiny" / "report.yaml"
MANIFEST = REPO / "examples" / "monthly-distribution" / "manifest.yaml"


@pytest.mark.parametrize("command, given, said", [
    (["agenda"], SPEC, "this is a report spec, not a meeting file; give it to `reportgen build`"),
    (["build"], MEETING, "this is a meeting file, not a report spec; give it to `reportgen agenda`, `pack` or "
                         "`minutes`"),
    (["build"], MANIFEST, "this is a distribution manifest, not a report spec; give it to `reportgen distribute`"),
    (["distribute", "--period", "2022-03"], SPEC, "this is a report spec, not a distribution manifest"),
])
def test_a_file_given_to_the_wrong_command_is_named_for_what_it_is(tmp_path, command, given, said):
    """A meeting file given to `build` was refused field by field: fifteen lines that never said why."""
    result = run(command[0], given, *command[1:], "-o", tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "1 problem in the" in result.stderr and said in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("old, new", [
    ("  meeting_date: 2018-10-09", "\tmeeting_date: 2018-10-09"),  # libyaml: "cannot start any token"
    ("  meeting_date: 2018-10-09", "  \tmeeting_date: 2018-10-09"),
], ids=["tab-for-spaces", "tab-after-spaces"])
def test_a_tab_in_the_indentation_is_named_as_a_tab_with_its_line(tmp_path, old, new):
    """YAML's "found character that cannot start any token" never said the character was a tab."""
    spec = copy_example(tmp_path, (old, new))
    err = build(spec)
    line = line_of(spec, "meeting_date:")
    assert f"{spec}: line {line}, column " in err and "not valid YAML" in err
    assert f"hint: YAML indents with spaces, not tabs: replace the tab at line {line}" in err
