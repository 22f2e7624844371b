"""Loading data as councils hold it: tidy CSV and XLSX, EES downloads, odd encodings, suppressed values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reportgen.data.contracts import load_contract
from reportgen.data.load import DEFAULT_AREA, load_data
from reportgen.data.types import PeriodKind, SourceRef
from reportgen.errors import DataError, InputError
from reportgen.metrics.formatting import round_half_up
from reportgen.metrics.statements import statements_for
from tests.conftest import SHARED_DATA

MONTHLY = SHARED_DATA / "gateshead_lac_monthly.csv"
ANNUAL = SHARED_DATA / "gateshead_lac_annual.csv"
CLA = SHARED_DATA / "ees" / "cla_number_and_rate_per_10k_children.csv"
D3 = SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"


@pytest.fixture(scope="module")
def contract():
    return load_contract(None)


@pytest.fixture(scope="module")
def ees(contract):
    return load_data([CLA, D3], contract, area="Gateshead")


def values(series):
    return [o.value for o in series.observations]


# --- the shared Gateshead files -------------------------------------------------

def test_gateshead_monthly_csv(contract):
    data = load_data([MONTHLY], contract)
    assert data.main_area == DEFAULT_AREA  # the file has no area column
    assert data.measures() == ["lac_count", "lac_rate_per_10k"]
    lac = data.series("lac_count")
    assert values(lac) == [Decimal(v) for v in
                           ["440", "433", "426", "431", "431", "428", "432", "438", "448", "462", "473", "479", "483"]]
    first, last = lac.observations[0], lac.observations[-1]
    assert (first.period.kind, first.period.start, first.period.text) == (PeriodKind.MONTH, date(2021, 3, 1), "2021-03")
    assert last.period.end == date(2022, 3, 31)
    assert first.source == SourceRef(str(MONTHLY), 2, "value")  # header is row 1
    rate = data.series("lac_rate_per_10k")
    assert rate.observations[-1].value == Decimal("122.6")
    assert str(rate.observations[0].value) == "111.7"  # exact text, never via float
    assert data.warnings == ()


def test_area_names_the_rows_without_one(contract):
    data = load_data([MONTHLY], contract, area="Gateshead")
    assert data.main_area == "Gateshead"
    assert data.series("lac_count").area == "Gateshead"


def test_gateshead_annual_csv_with_financial_years_and_a_note_column(contract):
    data = load_data([ANNUAL], contract, area="Gateshead")
    lac = data.series("lac_count")
    assert [o.period.text for o in lac.observations] == ["2018/19", "2019/20", "2020/21", "2021/22"]
    assert {o.period.kind for o in lac.observations} == {PeriodKind.FINANCIAL_YEAR}
    assert lac.observations[-1].period.start == date(2021, 4, 1)
    assert values(lac) == [Decimal("380"), Decimal("414"), Decimal("440"), Decimal("483")]


# --- EES downloads ---------------------------------------------------------------

def test_ees_files_load_with_gateshead_main_and_england_and_north_east_as_comparators(ees):
    assert ees.main_area == "Gateshead"
    assert ees.comparators("lac_count") == ["England", "North East"]
    assert ees.comparators("cpp_repeat_pct") == ["England", "North East"]
    assert "Sunderland" in ees.areas("lac_count")  # other councils are there, just not comparators
    assert ees.level("Gateshead") == "Local authority" and ees.region("Gateshead") == "North East"

    lac = ees.series("lac_count")
    latest = lac.observations[-1]
    assert (latest.period.kind, latest.period.text, latest.period.end) == (
        PeriodKind.YEAR_ENDING_MARCH, "2025", date(2025, 3, 31))
    assert latest.value == Decimal("503")
    assert latest.source.column == "children_count"
    assert ees.series("lac_rate_per_10k").observations[-1].value == Decimal("124")

    repeat = ees.series("cpp_repeat_pct").observations[-1]
    assert (repeat.published, repeat.numerator, repeat.denominator) == (Decimal("21.1"), Decimal("62"), Decimal("294"))
    assert repeat.source.column == "CPP_subsequent_percent"
    england = ees.series("cpp_repeat_pct", "England").observations[-1]
    assert england.value == Decimal("24.5") and england.source.row == 2


def test_ees_rows_are_filtered_by_population_type(ees):
    # One file, three populations: each maps to its own measure.
    assert ees.series("lac_starting_count").observations[-1].value == Decimal("177")
    assert ees.series("lac_ceasing_count").observations[-1].value == Decimal("203")


def test_suppressed_c_is_not_published_never_zero(ees):
    # cla file row 405: 2025, City of London, looked after on 31 March: 847, c, c
    city = ees.series("lac_count", "City of London").observations[-1]
    assert city.period.text == "2025"
    assert city.value is None and city.suppressed == "c"
    assert city.source == SourceRef(str(CLA), 405, "children_count")
    # d3 row 402: 2023, Rutland: 39 plans started, c subsequent, c percent
    rutland = next(o for o in ees.series("cpp_repeat_pct", "Rutland").observations if o.period.text == "2023")
    assert (rutland.value, rutland.suppressed, rutland.denominator, rutland.numerator) == (
        None, "c", Decimal("39"), None)
    assert rutland.source.row == 402
    # u (low reliability) and x are published symbols too: d3 row 269, Hampshire 2024
    hampshire = next(o for o in ees.series("cpp_repeat_pct", "Hampshire").observations if o.period.text == "2024")
    assert (hampshire.value, hampshire.suppressed) == (None, "u")


def test_ees_file_of_every_council_needs_an_area(contract):
    with pytest.raises(InputError) as caught:
        load_data([D3], contract)
    assert "could be the council" in str(caught.value)
    assert caught.value.hint == "choose one with --area NAME"


def test_area_is_matched_ignoring_case_and_misspellings_get_a_suggestion(contract):
    assert load_data([D3], contract, area="gateshead").main_area == "Gateshead"
    with pytest.raises(InputError, match="no area 'Gateshed' in the data \\(did you mean 'Gateshead'\\?\\)"):
        load_data([D3], contract, area="Gateshed")


def test_council_monthly_file_beside_ees_comparators(contract):
    data = load_data([MONTHLY, CLA], contract, area="Gateshead")
    lac = data.series("lac_count")
    assert {o.period.kind for o in lac.observations} == {PeriodKind.MONTH}  # the council's own figures
    assert data.series("lac_count", "England").observations[-1].value == Decimal("81770")
    assert any("EES figures not used" in w.message and "Gateshead" in w.location for w in data.warnings)


# --- encodings, spreadsheets, number forms --------------------------------------------

def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_with_bom_loads(tmp_path, contract):
    path = write(tmp_path / "bom.csv", "measure,period,value\nlac_count,2021-03,440\n", "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert values(load_data([path], contract).series("lac_count")) == [Decimal("440")]


def test_windows_1252_loads_with_thousands_separator(tmp_path, contract):
    text = 'measure,period,value,note\nlac_count,Mar-21,"1,572",caf\u00e9 \u2013 year end\n'
    path = write(tmp_path / "excel.csv", text, "cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    obs = load_data([path], contract).series("lac_count").observations[0]
    assert obs.value == Decimal("1572") and obs.period.text == "Mar-21"


def test_xlsx_with_title_rows_above_the_header(tmp_path, contract):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Looked after children, Gateshead"])
    sheet.append(["Source: case management system, March 2022"])
    sheet.append(["Measure", "Period", "Value"])
    sheet.append(["lac_count", "2021-03", 440])
    sheet.append(["lac_count", datetime(2021, 4, 1), 433])  # Excel turned "Apr-21" into a date
    sheet["B5"].number_format = "mmm-yy"
    sheet.append(["lac_rate_per_10k", "2021-03", 111.7])
    sheet.append(["care_leavers_neet", "2021-03", 0.27])  # shown as 27% in Excel
    sheet["C7"].number_format = "0%"
    path = tmp_path / "lac.xlsx"
    book.save(path)

    data = load_data([path], contract, area="Gateshead")
    lac = data.series("lac_count").observations
    assert [o.value for o in lac] == [Decimal("440"), Decimal("433")]
    assert lac[1].period == date_month(2021, 4)
    assert lac[0].source == SourceRef(str(path), 4, "Value")  # the sheet's own row
    assert data.series("lac_rate_per_10k").observations[0].value == Decimal("111.7")
    assert data.series("care_leavers_neet").observations[0].value == Decimal("27")


def date_month(year: int, month: int):
    from reportgen.data.periods import parse_period

    return parse_period(f"{year}-{month:02d}")


def test_every_suppression_symbol_and_blank(tmp_path, contract):
    rows = "".join(f"lac_count,2021-{m:02d},{v}\n" for m, v in
                   enumerate(["c", "z", "k", "x", "low", "..", "", "C", "u", "5"], start=1))
    data = load_data([write(tmp_path / "s.csv", "measure,period,value\n" + rows)], contract)
    obs = data.series("lac_count").observations
    assert [o.suppressed for o in obs] == ["c", "z", "k", "x", "low", "..", "missing", "c", "u", None]
    assert [o.value for o in obs][:-1] == [None] * 9 and obs[-1].value == Decimal("5")


def test_symbols_in_square_brackets_as_the_gss_writes_them(tmp_path, contract):
    """The Analysis Function's table guidance writes [c], [x], [z] and [low]; they mean what c, x, z and low do."""
    rows = "".join(f"lac_count,2021-{m:02d},{v}\n" for m, v in enumerate(["[c]", "[x]", "[Z]", "[low]", "7"], 1))
    data = load_data([write(tmp_path / "s.csv", "measure,period,value\n" + rows)], contract)
    assert [o.suppressed for o in data.series("lac_count").observations] == ["c", "x", "z", "low", None]
    with pytest.raises(DataError, match=r"expected a number, got '\[q\]'"):
        load_data([write(tmp_path / "q.csv", "measure,period,value\nlac_count,2021-01,[q]\n")], contract)


def test_area_numerator_and_denominator_columns(tmp_path, contract):
    text = ("Area,Measure,Period,Value,Numerator,Denominator\n"
            "Kestrel Vale,cpp_repeat_pct,2018-08,27,30,112\n"
            "England,cpp_repeat_pct,2018-08,19,,\n"
            "Statistical neighbours,cpp_repeat_pct,2018-08,20,,\n")
    data = load_data([write(tmp_path / "a.csv", text)], contract)
    assert data.main_area == "Kestrel Vale"  # the only area that is not a known comparator
    assert data.comparators("cpp_repeat_pct") == ["England", "Statistical neighbours"]
    obs = data.series("cpp_repeat_pct").observations[0]
    assert (obs.published, obs.numerator, obs.denominator) == (Decimal("27"), Decimal("30"), Decimal("112"))
    assert obs.value == Decimal(30) * 100 / Decimal(112)  # worked out from the counts, rounded only when printed


def test_a_percentage_with_its_counts_is_rounded_once_from_them_not_again_from_the_published_figure(tmp_path, contract):
    """154 of 489 is 31.49%: whole per cent is 31%, though the file's 31.5 rounded again would be 32%."""
    text = ("measure,period,value,numerator,denominator\n"
            "cpp_repeat_pct,2023/24,22.1,111,502\n"
            "cpp_repeat_pct,2024/25,31.5,154,489\n")
    data = load_data([write(tmp_path / "a.csv", text)], contract)
    latest = data.series("cpp_repeat_pct").observations[-1]
    assert latest.published == Decimal("31.5")
    assert round_half_up(latest.value, 0) == 31 and round_half_up(latest.value, 1) == Decimal("31.5")
    said = [s.text for s in statements_for(data.series("cpp_repeat_pct"), contract.measure("cpp_repeat_pct"))]
    assert any("was 31% (154 of 489 plans started) in 2024/25" in text for text in said), said
    assert not any("32%" in text for text in said), said


def test_a_change_between_percentages_from_counts_is_never_printed_past_the_published_places(tmp_path, contract):
    """47 of 220 is 21.36% and 57 of 365 is 15.62%: at whole per cent "21%, up 6 points from 16%" does not add
    up, and the exact change (5.75) does not at one place either; the sentence stops at the places the
    figures were published to and prints their difference, never "21.364%, up 5.747 percentage points"."""
    text = ("measure,period,value,numerator,denominator\n"
            "cpp_repeat_pct,2021/22,15.6,57,365\n"
            "cpp_repeat_pct,2022/23,21.4,47,220\n")
    data = load_data([write(tmp_path / "a.csv", text)], contract)
    said = [s.text for s in statements_for(data.series("cpp_repeat_pct"), contract.measure("cpp_repeat_pct"))]
    assert any("was 21.4% in 2022/23, up 5.8 percentage points from 15.6% in 2021/22" in text for text in said), said


def test_regional_and_national_percentages_stand_as_published(ees):
    """Their counts are rounded to the nearest 10, so they cannot give the percentage more exactly."""
    england = ees.series("cpp_repeat_pct", "England").observations[-1]
    assert england.published is None and england.value == Decimal(str(england.value)).normalize()
    assert ees.series("cpp_repeat_pct").observations[-1].published is not None  # Gateshead's counts are exact


def test_monthly_measure_with_month_end_dates_reads_as_months(tmp_path, contract):
    text = "measure,period,value\nlac_count,31/03/2021,440\nlac_count,30/04/2021,433\n"
    obs = load_data([write(tmp_path / "d.csv", text)], contract).series("lac_count").observations
    assert [o.period.kind for o in obs] == [PeriodKind.MONTH, PeriodKind.MONTH]
    assert obs[0].period.text == "31/03/2021" and obs[0].period.start == date(2021, 3, 1)


def test_a_missing_month_is_a_warning_not_an_error(tmp_path, contract):
    text = "measure,period,value\nlac_count,2021-03,440\nlac_count,2021-04,433\nlac_count,2021-07,431\n"
    data = load_data([write(tmp_path / "gap.csv", text)], contract)
    assert len(data.series("lac_count").observations) == 3
    [warning] = data.warnings
    assert "no value for 2021-05, 2021-06" in warning.message
    assert "monthly" in warning.message and warning.location == "measure lac_count, area Council"


def test_series_for_unknown_measure_or_area(contract):
    data = load_data([MONTHLY], contract)
    with pytest.raises(InputError, match="unknown measure 'lac'"):
        data.series("lac")
    with pytest.raises(InputError, match="no data for measure 'cpp_count'"):
        data.series("cpp_count")
    with pytest.raises(InputError, match="no data for lac_count for area 'England'"):
        data.series("lac_count", "England")


def test_problems_are_collected_across_files(tmp_path, contract):
    bad = write(tmp_path / "bad.csv", "measure,period,value\nlac_count,2021-03,abc\n")
    with pytest.raises(DataError) as caught:
        load_data([bad, tmp_path / "missing.csv", MONTHLY], contract)
    messages = [str(p) for p in caught.value.problems]
    assert any("bad.csv: row 2, column value: expected a number, got 'abc'" in m for m in messages)
    assert any("missing.csv: file not found" in m for m in messages)
