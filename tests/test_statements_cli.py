"""``reportgen statements`` as a user meets it: real data files, text and JSON output, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from tests.conftest import SHARED_DATA

MONTHLY = SHARED_DATA / "gateshead_lac_monthly.csv"
ANNUAL = SHARED_DATA / "gateshead_lac_annual.csv"
D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"
CLA = SHARED_DATA / "ees" / "cla_number_and_rate_per_10k_children.csv"
NEIGHBOURS = SHARED_DATA / "ees" / "sn_model_2025_wide.csv"


def statements(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["statements", *args], standalone_mode=True)
    return result.exit_code, result.stdout, result.stderr


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", "statements", *args], capture_output=True, text=True)


def test_gateshead_monthly_series_golden():
    code, out, err = statements(str(MONTHLY), "--measure", "lac_count", "--area", "Gateshead")
    assert code == 0, err
    assert out.splitlines() == [
        "The number of children looked after was 483 in March 2022.",
        "The number of children looked after rose from 479 in February 2022 to 483 in March 2022, "
        "an increase of 1%.",
        "Compared with a year earlier, the number of children looked after rose from 440 in March 2021 "
        "to 483 in March 2022, an increase of 10%.",
        "The number of children looked after increased to 483, the highest since the series began in March 2021.",
        "The number of children looked after has risen for a seventh consecutive month.",
        # January to March are all above the upper limit of 463.7: the statement says so, not just "rose to"
        "The number of children looked after has been above its usual range of 429 to 464 for three months "
        "in a row, since January 2022, and was 483 in March 2022.",
    ]


def test_tags_name_the_placeholder_of_each_line_and_json_is_unchanged():
    """An officer wrote [[ehcp_20wk_pct:latest]] for a percentage: its figure is the `proportion` line."""
    code, out, err = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead", "--tags")
    assert code == 0, err
    _, plain, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead")
    _, as_json, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead", "--json")
    made = json.loads(as_json)["statements"]
    assert out.splitlines() == [f"[[cpp_repeat_pct:{s['kind']}]] {s['text']}" for s in made]
    assert out.splitlines()[0].startswith("[[cpp_repeat_pct:proportion]] The percentage of child protection plans")
    assert plain.splitlines() == [s["text"] for s in made]  # without --tags, one sentence a line as before
    _, tagged_json, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead", "--json", "--tags")
    assert tagged_json == as_json


def test_gateshead_as_of_an_earlier_month():
    code, out, _ = statements(str(MONTHLY), "--measure", "lac_count", "--as-of", "Aug-21")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "The number of children looked after was 428 in August 2021."
    assert "fell from 431 in July 2021 to 428 in August 2021, a decrease of 1%." in lines[1]
    assert not any("2022" in line for line in lines)


def test_gateshead_annual_financial_years():
    code, out, _ = statements(str(ANNUAL), "--measure", "lac_rate_per_10k")
    assert code == 0
    assert ("The rate of children looked after per 10,000 children rose from 111.7 in 2020/21 to 122.6 "
            "in 2021/22, an increase of 10%.") in out.splitlines()


def test_json_shape_values_and_sources():
    code, out, _ = statements(str(MONTHLY), "--measure", "lac_count", "--area", "Gateshead", "--json")
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["measure", "area", "as_of", "statements"]
    assert (document["measure"], document["area"], document["as_of"]) == ("lac_count", "Gateshead", "2022-03")
    kinds = {s["kind"]: s for s in document["statements"]}
    for statement in document["statements"]:
        assert list(statement) == ["kind", "text", "period", "values", "sources"]
        assert statement["period"] == "2022-03"
    change = kinds["change"]["values"]
    assert (change["previous"], change["current"], change["absolute_change"]) == ("479", "483", "4")
    assert change["percent_change"].startswith("0.835073068893528")
    record = kinds["record"]["values"]
    assert (record["direction"], record["since"]) == ("highest", None)
    streak = kinds["streak"]["values"]
    assert (streak["length"], streak["direction"]) == (7, "rising")
    latest_source = kinds["latest"]["sources"][0]
    assert latest_source == {"period": "2022-03", "value": "483", "area": "Gateshead", "suppressed": None,
                             "file": str(MONTHLY), "row": 14, "column": "value"}


def test_json_sources_give_a_percentage_as_published_and_as_worked_out_from_its_counts():
    code, out, err = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Oldham", "--as-of", "2024/25",
                                "--json")
    assert code == 0, err
    said = json.loads(out)["statements"][0]
    assert said["text"].endswith("was 31% (154 of 489 plans started) in 2024/25.")  # 31.49%, published as 31.5
    source = said["sources"][0]
    assert (source["value"], source["numerator"], source["denominator"]) == ("31.5", "154", "489")
    assert source["from_counts"].startswith("31.4928")


def test_ees_latest_value_suppressed_is_said_plainly():
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "City of London",
                              "--as-of", "2023/24")
    assert code == 0
    assert out.splitlines() == [
        "The percentage of child protection plans starting that were a second or subsequent plan in 2023/24 "
        "is not published (suppressed to protect confidentiality); the most recent published figure is 0%, "
        "in 2021/22.",
    ]


def test_ees_not_applicable_and_json_reason():
    code, out, _ = statements(str(CLA), "--measure", "lac_count", "--area", "Cumbria", "--json")
    assert code == 0
    (only,) = json.loads(out)["statements"]
    assert only["kind"] == "suppressed"
    assert only["values"]["symbol"] == "z" and only["values"]["reason"] == "not applicable"
    assert only["values"]["last_published_period"] == "2023"
    assert "2024/25 is not published (not applicable)" in only["text"]


def test_ees_benchmark_uses_england_and_the_councils_own_region_only():
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead")
    assert code == 0
    assert ("The percentage of child protection plans starting that were a second or subsequent plan was 21% "
            "in 2024/25, lower than England (25%) and the North East (27%), which is better.") in out.splitlines()


def test_the_councils_month_end_rate_is_compared_with_the_dfes_at_31_march():
    code, out, _ = statements(str(MONTHLY), str(CLA), "--measure", "lac_rate_per_10k", "--area", "Gateshead",
                              "--neighbours", str(NEIGHBOURS))
    assert code == 0
    assert ("The rate of children looked after per 10,000 children was 122.6 in March 2022, higher than "
            "England (70.0), the North East (109.0) and statistical neighbours (107.9).") in out.splitlines()


def test_statistical_neighbour_average_on_request():
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Trafford",
                              "--neighbours", str(NEIGHBOURS), "--json")
    assert code == 0
    benchmark = next(s for s in json.loads(out)["statements"] if s["kind"] == "benchmark")
    assert "statistical neighbours (25%)" in benchmark["text"]
    neighbours = next(s for s in benchmark["sources"] if s["area"] == "Statistical neighbours")
    assert len(neighbours["computed_from"]) == 10


def test_a_neighbours_average_missing_a_neighbour_says_how_many_it_averages():
    """Westminster, one of Camden's ten, published 'c' for 2022/23: the 19% is the average of the other nine."""
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Camden", "--as-of", "2022/23",
                              "--neighbours", str(NEIGHBOURS))
    assert code == 0
    assert ("The percentage of child protection plans starting that were a second or subsequent plan was 28% in "
            "2022/23, higher than England (24%), Inner London (21%) and statistical neighbours (19%, the average "
            "of the 9 of 10 with a published figure), which is worse.") in out.splitlines()
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Camden", "--as-of", "2022/23",
                              "--neighbours", str(NEIGHBOURS), "--json")
    benchmark = next(s for s in json.loads(out)["statements"] if s["kind"] == "benchmark")
    compared = next(c for c in benchmark["values"]["comparators"] if c["area"] == "Statistical neighbours")
    assert (compared["value"], compared["with_figures"], compared["group_size"]) == ("19.01", 9, 10)
    source = next(s for s in benchmark["sources"] if s["area"] == "Statistical neighbours")
    assert (len(source["computed_from"]), source["group_size"]) == (9, 10)


def test_a_neighbours_average_of_all_ten_says_nothing_more():
    code, out, _ = statements(str(D3), "--measure", "cpp_repeat_pct", "--area", "Gateshead",
                              "--neighbours", str(NEIGHBOURS))
    assert code == 0
    assert "and statistical neighbours (25%), which is better." in out and "with a published figure" not in out


@pytest.mark.parametrize("council, region", [("Cumbria", "the North West"), ("Northamptonshire", "the East Midlands")])
def test_neighbours_of_a_council_abolished_before_the_model_are_a_warning_and_the_rest_is_printed(council, region):
    """Cumbria (2023) and Northamptonshire (2021) are not in the 2025 model: their other statements stand."""
    result = run(str(D3), "--measure", "cpp_repeat_pct", "--area", council, "--neighbours", str(NEIGHBOURS))
    assert result.returncode == 0, result.stderr
    assert (f"WARNING: {NEIGHBOURS}: column la_name: no row for {council!r}: the model lists the councils that "
            "existed when it was made, so a council abolished before then (Cumbria and Northamptonshire, in the "
            "2025 model) has no statistical neighbours in it (rule: known local authority); the statements are "
            "made without the statistical neighbours' average") in result.stderr
    benchmark = result.stdout.splitlines()[-1]
    assert "England" in benchmark and region in benchmark and "statistical neighbours" not in benchmark
    assert "Traceback" not in result.stderr


def test_same_input_same_output():
    first = run(str(D3), "--measure", "cpp_repeat_pct", "--area", "Trafford", "--json")
    second = run(str(D3), "--measure", "cpp_repeat_pct", "--area", "Trafford", "--json")
    assert first.returncode == 0 and first.stdout == second.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--measure", "nope"], "unknown measure 'nope'; available: adoptions"),
    (["--measure", "lac_count", "--as-of", "2021-13"], "'2021-13' is neither a month"),
    (["--measure", "lac_count", "--as-of", "soon"], "unrecognised period 'soon'"),
    (["--measure", "cpp_count"], "no data for measure 'cpp_count' in these files"),
    (["--measure", "lac_count", "--contract", "nowhere"], "unknown contract 'nowhere'"),
])
def test_bad_input_exits_2_with_a_clear_message(args, message):
    result = run(str(MONTHLY), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_and_unknown_ees_area_exit_2(tmp_path):
    missing = run(str(tmp_path / "nope.csv"), "--measure", "lac_count")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    unknown = run(str(D3), "--measure", "cpp_repeat_pct", "--area", "Atlantis")
    assert unknown.returncode == 2 and "no area 'Atlantis'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_help_says_how_numbers_are_written():
    result = CliRunner().invoke(cli, ["statements", "--help"])
    assert result.exit_code == 0
    assert "exact value" in result.output and "--as-of" in result.output


def test_a_year_to_date_in_json_names_each_comparators_own_period():
    from tests.conftest import REPO

    data = REPO / "examples" / "cpp-scrutiny" / "data" / "child_protection.csv"
    code, out, _ = statements(str(data), "--measure", "cpp_repeat_pct", "--area", "Harrowdale", "--json")
    assert code == 0
    made = {s["kind"]: s for s in json.loads(out)["statements"]}
    assert made["proportion"]["period"] == "2018-04/2018-08"
    assert made["change"]["values"]["previous_period"] == "2017/18"
    compared = made["benchmark"]["values"]["comparators"]
    assert [(c["area"], c["value"], c["period"]) for c in compared] == [
        ("Statistical neighbours", "20.4", "2016/17"), ("England", "18.7", "2016/17")]
    assert [(s["area"], s["period"]) for s in made["benchmark"]["sources"]] == [
        ("Harrowdale", "2018-04/2018-08"), ("Statistical neighbours", "2016/17"), ("England", "2016/17")]


def test_rebase_works_the_usual_range_out_again_from_the_change(tmp_path):
    values = [*[300, 310] * 9, *[380, 390] * 9, 430]  # a service that changed in October 2020
    data = tmp_path / "changed.csv"
    data.write_text("measure,area,period,value\n" + "".join(
        f"cpp_count,Harrowdale,{2019 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d},{v}\n" for i, v in enumerate(values)),
        encoding="utf-8")
    _, plain, _ = statements(str(data), "--measure", "cpp_count")
    code, rebased, err = statements(str(data), "--measure", "cpp_count", "--rebase", "2020-10")
    assert code == 0, err
    assert "a sign of a real change" in plain and "a sign of a real change" not in rebased
    assert "above its usual range of 356 to 418 (since October 2020)." in rebased
    _, out, _ = statements(str(data), "--measure", "cpp_count", "--rebase", "2020-10", "--json")
    spike = next(s for s in json.loads(out)["statements"] if s["kind"] == "spike")
    assert spike["values"]["limits_from"] == "2020-10" and spike["sources"][0]["period"] == "2020-10"
    code, _, err = statements(str(data), "--measure", "cpp_count", "--rebase", "Octember")
    assert code == 2 and "--rebase" in err and "Octember" in err


def test_data_warnings_are_told_on_stderr_and_the_statements_still_printed(tmp_path):
    """A blank cell reads as "no published figure": the analyst is told which cell it was."""
    data = tmp_path / "cpp.csv"
    data.write_text("measure,period,value\ncpp_count,2018-06,250\ncpp_count,2018-07,\ncpp_count,2018-08,260\n",
                    encoding="utf-8")
    result = run(str(data), "--measure", "cpp_count")
    assert result.returncode == 0 and "was 260 in August 2018" in result.stdout
    assert f"WARNING: data: data warning: {data}: row 3, column value: cpp_count for Council in 2018-07 is blank" \
        in result.stderr
