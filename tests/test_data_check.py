"""``reportgen check``: each bad input exits 2 naming file, row, column, value and rule; clean data exits 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reportgen.cli import main
from tests.conftest import REPO, SHARED_DATA

MONTHLY = SHARED_DATA / "gateshead_lac_monthly.csv"
ANNUAL = SHARED_DATA / "gateshead_lac_annual.csv"
D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"


def check(capsys, *args: str | Path) -> tuple[int, str, str]:
    """Run ``reportgen check`` in-process through ``cli.main``, as the console script does."""
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


def test_clean_file_exits_0_with_a_summary(capsys):
    code, out, err = check(capsys, MONTHLY)
    assert code == 0, err
    assert out.startswith("OK: 1 file checked against the childrens_social_care contract, 26 values, no problems")
    assert "measures (2): lac_count, lac_rate_per_10k" in out
    assert "areas (1): Council; main area: Council" in out
    assert "periods (13): 2021-03 to 2022-03" in out
    assert "warnings (0)" in out


def test_ees_file_checks_without_an_area(capsys):
    code, out, err = check(capsys, D3)
    assert code == 0, err
    assert "periods (13): 2013 to 2025 (years ending 31 March)" in out
    assert "not published (40): 29 'c', 6 'z', 3 'x', 2 'u'" in out


def test_a_file_mixing_months_and_financial_years_shows_each_range(capsys):
    code, out, err = check(capsys, REPO / "examples" / "cpp-scrutiny" / "data" / "child_protection.csv")
    assert code == 0, err
    assert ("periods (24): 2017-01 to 2018-09 (months); 2016/17 to 2017/18 (financial years); "
            "2018-04/2018-08 (part years)") in out


@pytest.mark.parametrize("value, agrees", [("27", True), ("26.8", True), ("27%", True), ("26.7", False),
                                           ("35", False), ("26", False)])
def test_a_percentage_must_agree_with_its_own_count_in_a_council_file(tmp_path, capsys, value, agrees):
    """30 of 112 is 26.79%: a statement would print "35% (30 of 112 plans started)" against itself."""
    path = csv(tmp_path, f"measure,area,period,value,numerator,denominator\n"
                         f"cpp_repeat_pct,Harrowdale,2021/22,{value},30,112\n")
    code, out, err = check(capsys, path)
    if agrees:
        assert code == 0, err
    else:
        assert code == 2
        assert (f"row 2, column value: {value.rstrip('%')}% does not agree with its numerator and denominator: "
                "30 of 112 is 26.79% (rule: percentage agrees with its numerator and denominator)") in err


def test_a_row_already_refused_is_not_refused_again_for_disagreeing(tmp_path, capsys):
    path = csv(tmp_path, "measure,area,period,value,numerator,denominator\n"
                         "cpp_repeat_pct,Harrowdale,2021/22,20,130,112\n")
    code, out, err = check(capsys, path)
    assert code == 2 and "1 problem in the data" in err and "numerator not above denominator" in err


def test_an_ees_percentage_that_is_not_its_counts_ratio_is_a_warning_and_is_kept(capsys):
    """The DfE rounds national and regional counts to the nearest 10 (allowed for), and a published
    percentage can leave out councils that did not report (2022: warned about, the DfE's figure kept)."""
    code, out, err = check(capsys, D3)
    assert code == 0, err
    assert "warnings (2):" in out
    assert ("row 496, column CPP_subsequent_percent: 22.7% does not agree with its numerator and denominator: "
            "14550 of 64390 is 22.60%; the published percentage is used") in out
    assert "row 499, column CPP_subsequent_percent: 23.6%" in out


def ees_without(tmp_path: Path, column: str, rows: int = 40) -> Path:
    """The first rows of the DfE's D3 file (England, the regions, the first councils) with ``column`` left out."""
    import csv as csv_module

    with D3.open(encoding="utf-8-sig", newline="") as f:
        table = [row for _, row in zip(range(rows + 1), csv_module.reader(f), strict=False)]
    drop = table[0].index(column)
    path = tmp_path / f"d3_without_{column}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv_module.writer(f).writerows(row[:drop] + row[drop + 1:] for row in table)
    return path


def test_an_ees_file_without_la_name_is_one_problem_naming_the_column(tmp_path, capsys):
    """It was 101 problems: the missing column, then "area name is blank" for every council's row."""
    path = ees_without(tmp_path, "la_name")
    code, out, err = check(capsys, path, "--area", "Gateshead")
    assert code == 2 and out == ""
    assert err.startswith("error: 1 problem in the data:\n"), err
    assert (f"{path}: header (row 1): has Local authority rows but no la_name column to name their areas; "
            "its columns: time_period, time_identifier, geographic_level, country_code, country_name, region_code, "
            "region_name, old_la_code, new_la_code, category, CPP_start") in err
    assert "area name is blank" not in err


@pytest.mark.parametrize("column, needed", [
    ("time_period", "the period of each row's figures"),
    ("geographic_level", "whether each row is National, Regional or Local authority"),
])
def test_an_ees_file_without_a_column_it_needs_is_named_as_an_ees_file(tmp_path, capsys, column, needed):
    """Without time_period it was not recognised at all: "no header row with the columns measure, period, value"."""
    path = ees_without(tmp_path, column)
    code, out, err = check(capsys, path)
    assert code == 2 and out == ""
    assert (f"error: 1 problem in the data:\n  - {path}: header (row 1): looks like an Explore Education "
            f"Statistics file but has no {column} column ({needed}); download it again from EES with every "
            "column, or give the figures as a tidy file (measure, period, value); its columns: ") in err
    assert "no header row" not in err


def test_a_tidy_file_with_a_council_name_column_is_still_tidy(tmp_path, capsys):
    path = csv(tmp_path, "measure,period,value,la_name\nlac_count,2021-03,440,Gateshead\n")
    code, out, err = check(capsys, path)
    assert code == 0, err
    assert "1 file checked" in out


def test_contract_by_path_and_by_name(capsys):
    from reportgen.resources import contracts_dir

    assert check(capsys, MONTHLY, "--contract", contracts_dir() / "childrens_social_care.yaml")[0] == 0
    assert check(capsys, MONTHLY, "--contract", "childrens_social_care")[0] == 0
    code, _, err = check(capsys, MONTHLY, "--contract", "no_such_contract")
    assert code == 2 and "unknown contract 'no_such_contract'; available: childrens_social_care" in err


def test_gaps_are_warnings_and_exit_0(tmp_path, capsys):
    path = csv(tmp_path, "measure,period,value\nlac_count,2021-03,1\nlac_count,2021-05,2\n")
    code, out, _ = check(capsys, path)
    assert code == 0
    assert "warnings (1):" in out and "no value for 2021-04 (a gap in a monthly series)" in out


# Each bad input on its own: (file text, the problem as printed).
BAD_INPUTS = {
    "non-numeric": ("measure,period,value\nlac_count,2021-03,440\nlac_count,2021-04,abc\n",
                    "row 3, column value: expected a number, got 'abc' (rule: numeric)"),
    "duplicate": ("measure,period,value\nlac_count,2021-03,440\nlac_count,2021-03,441\n",
                  "row 3, column period: lac_count for Council in 2021-03 is also given in row 2 "
                  "(rule: one value per measure, area and period)"),
    "one month written two ways": ("measure,period,value\nlac_count,2021-03,440\nlac_count,Mar-21,441\n",
                                   "row 3, column period: lac_count for Council in Mar-21 is also given in row 2, "
                                   "as 2021-03: both are read as March 2021, as the measure is monthly in the data "
                                   "contract; give one figure for March 2021"),
    "weekly dates for a monthly measure": ("measure,period,value\ncpp_count,2023-05-06,250\ncpp_count,2023-05-13,255\n",
                                           "row 3, column period: cpp_count for Council in 2023-05-13 is also given "
                                           "in row 2, as 2023-05-06: both are read as May 2023"),
    "bad period": ("measure,period,value\nlac_count,2021-13,440\n",
                   "row 2, column period: '2021-13' is neither a month (13 is not 1 to 12) nor a financial "
                   "year (that would be 2021/22) (rule: period)"),
    "negative count": ("measure,period,value\nlac_count,2021-03,-4\n",
                       "row 2, column value: counts and rates cannot be negative, got '-4' (rule: not negative)"),
    "percentage over 100": ("measure,period,value\ncpp_repeat_pct,2021-03,101.5\n",
                            "row 2, column value: a percentage must be from 0 to 100, got '101.5' "
                            "(rule: percentage 0 to 100)"),
    "unknown measure": ("measure,period,value\nlac_cuont,2021-03,440\n",
                        "row 2, column measure: unknown measure 'lac_cuont'; the contract knows: lac_count, "
                        "lac_rate_per_10k"),
    "missing column": ("measure,period,amount\nlac_count,2021-03,440\n",
                       "header (row 1): missing column value; found: measure, period, amount "
                       "(rule: required columns)"),
    "empty file": ("", "file is empty"),
    "header only": ("measure,period,value\n", "has a header (row 1) but no data rows"),
    "blank measure": ("measure,period,value\n,2021-03,440\n",
                      "row 2, column measure: measure is blank (rule: required)"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_each_bad_input_exits_2_naming_file_row_and_column(case, tmp_path, capsys):
    text, expected = BAD_INPUTS[case]
    path = csv(tmp_path, text)
    code, out, err = check(capsys, path)
    assert code == 2
    assert out == ""
    assert f"{path}: {expected}" in err
    assert "Traceback" not in err


def test_unreadable_encoding_exits_2(tmp_path, capsys):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"measure,period,value\nlac_count,2021-03,\x81\x8d\x8f\n")
    code, _, err = check(capsys, path)
    assert code == 2
    assert "is neither UTF-8 nor Windows-1252 text" in err


def test_missing_file_and_folder(tmp_path, capsys):
    code, _, err = check(capsys, tmp_path / "nope.csv", tmp_path)
    assert code == 2
    assert f"{tmp_path / 'nope.csv'}: file not found" in err
    assert f"{tmp_path}: is a folder, expected a CSV or XLSX file" in err


def test_mixing_monthly_and_annual_figures_of_one_measure(capsys):
    code, _, err = check(capsys, MONTHLY, ANNUAL)
    assert code == 2
    assert "lac_count for Council mixes months" in err and "financial years" in err
    assert "(rule: one kind of period per series)" in err


def test_a_year_to_date_may_follow_full_years_but_not_months(tmp_path, capsys):
    after_years = csv(tmp_path, "measure,period,value\ncpp_repeat_pct,2016/17,24\n"
                                "cpp_repeat_pct,2018-04/2018-08,26.8\n")
    code, out, _ = check(capsys, after_years)
    assert code == 0  # a year to date counts in its financial year: 2017/18 is the one missing
    assert "no value for 2017/18 (a gap in a financial-year series)" in out
    after_months = csv(tmp_path, "measure,period,value\ncpp_repeat_pct,2018-03,24\n"
                                 "cpp_repeat_pct,2018-04/2018-08,26.8\n", "months.csv")
    code, _, err = check(capsys, after_months)
    assert code == 2
    assert "cpp_repeat_pct for Council mixes months (" in err and "and part years (" in err


def test_every_problem_in_one_file_is_reported_in_row_order(tmp_path, capsys):
    text = ("measure,period,value\n"
            "lac_count,2021-03,440\n"        # row 2 fine
            "lac_count,2021-04,abc\n"        # row 3 numeric
            "lac_count,2021-13,12\n"         # row 4 period
            "lac_count,2021-05,-3\n"         # row 5 negative
            "cpp_repeat_pct,2021-05,120\n"   # row 6 percentage
            "lac_cnt,2021-05,3\n"            # row 7 unknown measure
            "lac_count,2021-03,441\n"        # row 8 duplicate of row 2
            "lac_count,2021-06,c\n"          # row 9 fine: suppressed
            "lac_count,2021-07,\"1,572\"\n")  # row 10 fine: thousands separator
    path = csv(tmp_path, text)
    code, _, err = check(capsys, path)
    assert code == 2
    assert err.startswith("error: 6 problems in the data:")
    located = [line.split(": ")[1] for line in err.splitlines()[1:] if line.startswith("  - ")]
    assert located == ["row 3, column value", "row 4, column period", "row 5, column value",
                       "row 6, column value", "row 7, column measure", "row 8, column period"]


def test_problems_in_an_xlsx_name_the_sheet_row(tmp_path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Performance data"])
    sheet.append([])
    sheet.append(["measure", "period", "value"])
    sheet.append(["lac_count", "2021-03", "n/a"])
    path = tmp_path / "data.xlsx"
    book.save(path)
    code, _, err = check(capsys, path)
    assert code == 2
    assert f"{path}: row 4, column value: expected a number, got 'n/a' (rule: numeric)" in err


def test_many_failures_of_one_rule_are_summarised(tmp_path, capsys):
    rows = "".join(f"lac_count,{2000 + i // 12}-{i % 12 + 1:02d},x{i}\n" for i in range(150))
    code, _, err = check(capsys, csv(tmp_path, "measure,period,value\n" + rows))
    assert code == 2
    assert err.startswith("error: 101 problems in the data:")
    assert "50 more rows (after row 101) break the rule 'numeric' too" in err


def test_console_script_prints_no_traceback(tmp_path):
    path = csv(tmp_path, "measure,period,value\nlac_count,2021-03,abc\n")
    result = subprocess.run([sys.executable, "-m", "reportgen", "check", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "row 2, column value: expected a number, got 'abc' (rule: numeric)" in result.stderr
    assert "Traceback" not in result.stderr
