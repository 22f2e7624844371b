"""What a value cell may hold: a figure, a symbol saying it is not published, or (warned about) nothing.

Each test runs ``reportgen check`` (or a build) on a file written as a council
would write it and asserts what the user sees.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from reportgen.cli import main
from tests.conftest import REPO, SHARED_DATA

D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"
EXAMPLE = REPO / "examples" / "cpp-scrutiny"
COUNTS = "measure,area,period,value\n"
PERCENTS = "measure,area,period,value,numerator,denominator\n"


def check(capsys, *args: str | Path) -> tuple[int, str, str]:
    try:
        main(["check", *map(str, args)])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- blank values and not-published figures --------------------------------------

def test_a_blank_value_in_a_council_file_is_warned_about_and_listed(tmp_path, capsys):
    path = csv(tmp_path, COUNTS + "cpp_count,Harrowdale,2018-08,275\n"
                                  "cpp_count,Harrowdale,2018-09,\n")
    code, out, err = check(capsys, path, "--area", "Harrowdale")
    assert code == 0, err
    assert "  not published (1): 1 blank\n" in out
    assert f"  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09: blank\n" in out
    assert "warnings (1):" in out
    assert (f"  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09 is blank: treated as not "
            "published; write the DfE symbol (e.g. 'x' or 'c') if that is what you mean, or the figure "
            "(rule: blank value)") in out


def test_a_symbol_is_listed_with_its_meaning_and_not_warned_about(tmp_path, capsys):
    path = csv(tmp_path, COUNTS + "cpp_count,Harrowdale,2018-08,275\n"
                                  "cpp_count,Harrowdale,2018-09,x\n"
                                  "cpp_count,England,2018-09,C\n")
    code, out, err = check(capsys, path, "--area", "Harrowdale")
    assert code == 0, err
    assert "  not published (2): 1 'x', 1 'c'\n" in out
    assert f"  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09: 'x' (not available)\n" in out
    assert (f"  - {path}: row 4, column value: cpp_count for England in 2018-09: 'c' (suppressed to protect "
            "confidentiality)\n") in out
    assert "warnings (0)" in out


def test_ees_symbols_are_listed_by_row_and_column_and_blanks_there_are_not_warned_about(tmp_path, capsys):
    code, out, err = check(capsys, D3)
    assert code == 0, err
    assert "  not published (40): 29 'c', 6 'z', 3 'x', 2 'u'\n" in out
    assert (f"  - {D3}: row 300, column CPP_subsequent_percent: cpp_repeat_pct for City of London in 2024: "
            "'c' (suppressed to protect confidentiality)\n") in out
    # A DfE file with a blank cell: read as not published, as before, without a warning.
    lines = D3.read_text(encoding="utf-8").splitlines()
    blanked = csv(tmp_path, "\n".join([lines[0], lines[1].rsplit(",", 1)[0] + ","]) + "\n", "ees.csv")
    code, out, err = check(capsys, blanked)
    assert code == 0, err
    assert "  not published (1): 1 blank\n" in out and "warnings (0)" in out


def test_a_build_from_a_file_with_a_blank_says_which_cell(tmp_path):
    """The build fails on the placeholders with no statement; the warning before it names the cell."""
    copy = tmp_path / "cpp-scrutiny"
    shutil.copytree(EXAMPLE, copy)
    data = copy / "data" / "child_protection.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("cpp_count,Harrowdale,2018-09,257,,",
                                                             "cpp_count,Harrowdale,2018-09,,,"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(copy / "report.yaml"),
                             "-o", str(tmp_path / "out"), "--format", "html"], capture_output=True, text=True)
    assert "row 22, column value: cpp_count for Harrowdale in 2018-09 is blank: treated as not published" \
        in result.stderr
    assert "Traceback" not in result.stderr
