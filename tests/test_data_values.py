"""What a value cell may hold: a figure, a symbol saying it is not published, or (warned about) nothing.

Each test runs ``reportgen check`` (or a build) on a file written as a council
would write it and asserts what the user sees.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED_DATA
from tests.test_data_check import check, csv

D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"
EXAMPLE = REPO / "examples" / "cpp-scrutiny"
COUNTS = "measure,area,period,value\n"
PERCENTS = "measure,area,period,value,numerator,denominator\n"




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
    code, out, err = check(capsys, path)
    assert code == 0, err
    assert "  not published (2): 1 'x', 1 'c'\n" in out
    assert f"  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09: 'x' (not available)\n" in out
    assert (f"  - {path}: row 4, column value: cpp_count for England in 2018-09: 'c' (suppressed to protect "
            "confidentiality)\n") in out
    assert "warnings (0)" in out


def test_with_a_main_area_only_its_figures_not_published_are_listed_and_the_rest_counted(tmp_path, capsys):
    """An EES file holds hundreds of symbols for other councils; the report is about one."""
    path = csv(tmp_path, COUNTS + "cpp_count,Harrowdale,2018-08,275\n"
                                  "cpp_count,Harrowdale,2018-09,x\n"
                                  "cpp_count,England,2018-09,C\n")
    code, out, err = check(capsys, path, "--area", "Harrowdale")
    assert code == 0, err
    assert "  not published (2): 1 'x', 1 'c'\n  not published for Harrowdale (1):\n" in out
    assert f"  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09: 'x' (not available)\n" in out
    assert "for England in 2018-09" not in out


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


# --- whole numbers -----------------------------------------------------------------

FRACTIONS = {
    "half a child": (COUNTS + "cpp_count,Harrowdale,2018-09,249.5\n",
                     "row 2, column value: expected a whole number of children, got '249.5' (rule: whole number)"),
    "a count of applications": (COUNTS + "care_proceedings_issued,Harrowdale,2021/22,12.25\n",
                                "row 2, column value: expected a whole number of applications, got '12.25'"),
    "a full stop between thousands": (COUNTS + "cpp_count,Harrowdale,2018-09,1.249\n",
                                      "row 2, column value: expected a whole number of children, got '1.249'; if "
                                      "the full stop separates thousands, write 1249 (rule: whole number)"),
    "thousands and a fraction": (COUNTS + 'cpp_count,Harrowdale,2018-09,"1,249.5"\n',
                                 "row 2, column value: expected a whole number of children, got '1,249.5'"),
    "a fractional numerator": (PERCENTS + "cpp_repeat_pct,Harrowdale,2016/17,24.0,31.5,129\n",
                               "row 2, column numerator: expected a whole number of plans started, got '31.5' "
                               "(rule: whole number)"),
    "a fractional denominator": (PERCENTS + "cpp_repeat_pct,Harrowdale,2016/17,24.0,31,129.2\n",
                                 "row 2, column denominator: expected a whole number of plans started, "
                                 "got '129.2' (rule: whole number)"),
}


@pytest.mark.parametrize("case", list(FRACTIONS))
def test_a_count_must_be_a_whole_number(case, tmp_path, capsys):
    text, expected = FRACTIONS[case]
    path = csv(tmp_path, text)
    code, out, err = check(capsys, path)
    assert code == 2 and out == ""
    assert f"{path}: {expected}" in err
    assert "Traceback" not in err


def test_only_counts_and_the_counts_behind_a_percentage_need_whole_numbers(tmp_path, capsys):
    path = csv(tmp_path, PERCENTS + "cpp_count,Harrowdale,2018-08,249.0,,\n"   # whole, written with a decimal
                                    "cpp_rate_per_10k,Harrowdale,2018-09,41.7,,\n"
                                    "cpp_repeat_pct,Harrowdale,2016/17,24.0,31,129\n"
                                    "cpp_2yr_plus_pct,Harrowdale,2018-09,6.5,,\n"
                                    "cpp_count,Harrowdale,2018-09,249.5,,\n")
    code, _, err = check(capsys, path)
    assert code == 2
    assert err.startswith("error: 1 problem in the data:")
    assert f"{path}: row 6, column value: expected a whole number of children, got '249.5'" in err


# --- thousands separators ------------------------------------------------------------

def test_a_thousands_separator_is_read_as_excel_writes_it_and_a_misplaced_comma_is_refused(tmp_path, capsys):
    from reportgen.data.contracts import load_contract
    from reportgen.data.load import load_data

    path = csv(tmp_path, PERCENTS + 'cpp_count,Harrowdale,2018-09,"1,249",,\n'
                                    'cpp_repeat_pct,Harrowdale,2016/17,24,"1,031","4,296"\n')
    data = load_data([path], load_contract(None))
    assert str(data.series("cpp_count").observations[0].value) == "1249"
    assert str(data.series("cpp_repeat_pct").observations[0].denominator) == "4296"
    misplaced = csv(tmp_path, path.read_text(encoding="utf-8").replace('"1,249"', '"1,24"'), "misplaced.csv")
    code, _, err = check(capsys, misplaced)
    assert code == 2
    assert f"{misplaced}: row 2, column value: expected a number, got '1,24'; a comma may only separate" in err


@pytest.mark.parametrize("text", ["1,24", "1,2490", "12,49", "24,5"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(text, tmp_path, capsys):
    path = csv(tmp_path, COUNTS + f'cpp_count,Harrowdale,2018-09,"{text}"\n')
    code, out, err = check(capsys, path)
    assert code == 2 and out == ""
    assert (f"{path}: row 2, column value: expected a number, got {text!r}; a comma may only separate thousands, "
            "in groups of three digits (1,249), and a decimal point is a full stop (24.5) (rule: numeric)") in err


def test_a_malformed_separator_in_a_denominator_is_refused_too(tmp_path, capsys):
    path = csv(tmp_path, PERCENTS + 'cpp_repeat_pct,Harrowdale,2016/17,24.0,31,"12,9"\n')
    code, _, err = check(capsys, path)
    assert code == 2
    assert f"{path}: row 2, column denominator: expected a number, got '12,9'; a comma may only separate" in err


def test_strict_makes_a_warning_a_problem_for_a_scheduled_run(tmp_path, capsys):
    """A blank value passes an ordinary check with a warning; with --strict the run stops, exit 2."""
    path = csv(tmp_path, COUNTS + "cpp_count,Harrowdale,2018-08,275\ncpp_count,Harrowdale,2018-09,\n")
    code, out, _ = check(capsys, path)
    assert code == 0 and "warnings (1):" in out
    code, out, err = check(capsys, path, "--strict")
    assert code == 2 and "OK:" not in out
    assert f"1 problem in the data:\n  - {path}: row 3, column value: cpp_count for Harrowdale in 2018-09 is blank" \
        in err and "--strict treats every warning as a problem" in err


# --- percentages written as fractions ---------------------------------------------

def test_a_percentage_series_written_as_fractions_is_warned_about(tmp_path, capsys):
    """0.78 for 78%, as database exports write it, would be published as "0.8%" with nothing to contradict it."""
    path = csv(tmp_path, PERCENTS + "cpp_2yr_plus_pct,Harrowdale,2024-01,0.051,,\n"
                                    "cpp_2yr_plus_pct,Harrowdale,2024-02,0.78,,\n"
                                    "cpp_2yr_plus_pct,Harrowdale,2024-03,0.793,,\n"
                                    "cpp_2yr_plus_pct,Harrowdale,2024-04,1,,\n"
                                    "cpp_repeat_pct,Harrowdale,2022/23,21,,\n"
                                    "cpp_repeat_pct,Harrowdale,2023/24,0.5,,\n")
    code, out, err = check(capsys, path)
    assert code == 0, err
    assert "warnings (1):" in out  # one per series, and a series with a real percentage is left alone
    assert (f"  - {path}: row 2, column value: every cpp_2yr_plus_pct figure for Harrowdale is from 0 to 1 "
            "(0.051, 0.78, 0.793, ...): a percentage is written as 78 or 78%, so these would be published as "
            "under 1%; if they are fractions (0.78 for 78%), multiply them by 100 "
            "(rule: percentage written as a percentage)") in out


@pytest.mark.parametrize("rows", [
    "cpp_2yr_plus_pct,Harrowdale,2024-03,0.8,,\n",  # one figure: a real 0.8% is as likely
    "cpp_2yr_plus_pct,Harrowdale,2024-02,0,,\ncpp_2yr_plus_pct,Harrowdale,2024-03,0,,\n",  # none at all
    "cpp_count,Harrowdale,2024-02,1,\ncpp_count,Harrowdale,2024-03,0,\n",  # a count, not a percentage
])
def test_what_is_not_a_fraction_written_for_a_percentage_is_not_warned_about(rows, tmp_path, capsys):
    code, out, err = check(capsys, csv(tmp_path, PERCENTS + rows))
    assert code == 0, err
    assert "warnings (0)" in out
