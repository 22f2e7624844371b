"""Periods as people type them in spreadsheets, parsed into start and end dates."""

from __future__ import annotations

from datetime import date

import pytest

from reportgen.data.periods import (
    parse_ees_year,
    parse_period,
    period_index,
    previous_period,
    same_period_last_year,
    shift_period,
)
from reportgen.data.types import PeriodKind

M, D, Q, FY, YE, PY = (PeriodKind.MONTH, PeriodKind.DAY, PeriodKind.QUARTER,
                       PeriodKind.FINANCIAL_YEAR, PeriodKind.YEAR_ENDING_MARCH, PeriodKind.PART_YEAR)

# text, kind, start, end
FORMS = [
    ("2018-07", M, date(2018, 7, 1), date(2018, 7, 31)),
    ("2020-02", M, date(2020, 2, 1), date(2020, 2, 29)),
    ("Mar-21", M, date(2021, 3, 1), date(2021, 3, 31)),
    ("March 2021", M, date(2021, 3, 1), date(2021, 3, 31)),
    ("Mar 2021", M, date(2021, 3, 1), date(2021, 3, 31)),
    ("mar-2021", M, date(2021, 3, 1), date(2021, 3, 31)),
    ("Sept 2021", M, date(2021, 9, 1), date(2021, 9, 30)),
    (" July 2018 ", M, date(2018, 7, 1), date(2018, 7, 31)),
    ("2018-10-09", D, date(2018, 10, 9), date(2018, 10, 9)),
    ("9/10/2018", D, date(2018, 10, 9), date(2018, 10, 9)),
    ("2018-Q3", Q, date(2018, 7, 1), date(2018, 9, 30)),
    ("Q4 2018", Q, date(2018, 10, 1), date(2018, 12, 31)),
    # a quarter of a financial year, as councils write them: Q1 is April to June
    ("Q1 2023/24", Q, date(2023, 4, 1), date(2023, 6, 30)),
    ("2023/24 Q4", Q, date(2024, 1, 1), date(2024, 3, 31)),
    ("q3 2023-24", Q, date(2023, 10, 1), date(2023, 12, 31)),
    ("Q2 2023/2024", Q, date(2023, 7, 1), date(2023, 9, 30)),
    ("2014/15", FY, date(2014, 4, 1), date(2015, 3, 31)),
    ("2014-15", FY, date(2014, 4, 1), date(2015, 3, 31)),
    ("2014/2015", FY, date(2014, 4, 1), date(2015, 3, 31)),
    ("1999/00", FY, date(1999, 4, 1), date(2000, 3, 31)),
    ("2018-04/2018-08", PY, date(2018, 4, 1), date(2018, 8, 31)),
    ("2018-04 to 2018-08", PY, date(2018, 4, 1), date(2018, 8, 31)),
    ("2017-11/2018-02", PY, date(2017, 11, 1), date(2018, 2, 28)),
    ("2018-04/2018-06", PY, date(2018, 4, 1), date(2018, 6, 30)),  # a year to June, not a calendar quarter
    # a run of months that is a whole financial year or month lines up with those
    ("2018-04/2019-03", FY, date(2018, 4, 1), date(2019, 3, 31)),
    ("2018-04/2018-04", M, date(2018, 4, 1), date(2018, 4, 30)),
]


@pytest.mark.parametrize(("text", "kind", "start", "end"), FORMS, ids=[f[0] for f in FORMS])
def test_every_accepted_form(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.text == text.strip()  # echoed back as the user wrote it


def test_ees_time_period_is_the_year_ending_31_march():
    period = parse_ees_year("2025")
    assert (period.kind, period.start, period.end, period.text) == (YE, date(2024, 4, 1), date(2025, 3, 31), "2025")
    financial = parse_ees_year("202425")
    assert (financial.kind, financial.start, financial.end) == (FY, date(2024, 4, 1), date(2025, 3, 31))


def test_same_month_written_two_ways_is_the_same_period():
    assert parse_period("Mar-21") == parse_period("2021-03")
    assert parse_period("Mar-21") < parse_period("Apr-21")


def test_2011_12_is_a_month_unless_the_measure_is_reported_by_financial_year():
    assert parse_period("2011-12").kind is M
    fy = parse_period("2011-12", financial_year=True)
    assert (fy.kind, fy.start, fy.end) == (FY, date(2011, 4, 1), date(2012, 3, 31))
    # No ambiguity, no change:
    assert parse_period("2011-05", financial_year=True).kind is M


BAD = [
    ("2018-13", "neither a month (13 is not 1 to 12) nor a financial year"),
    ("2014/16", "must end the year after it starts (2014/15)"),
    ("2018-02-30", "is not a date"),
    ("2018-Q5", "quarter 5 is not 1 to 4"),
    ("Q5 2023/24", "quarter 5 is not 1 to 4"),
    ("Q1 2023/25", "must end the year after it starts (2023/24)"),
    ("Marc-21", "unrecognised month name 'Marc'"),
    ("2021", "a bare year '2021' is ambiguous; write 2020/21"),
    ("", "period is blank"),
    ("2018-08/2018-04", "the run of months ends before it starts"),
    ("2017-09/2018-08", "is 12 months; a part of a year is two to eleven months"),
    ("2018-04/2018-13", "month 13 is not 1 to 12"),
    ("last month", "unrecognised period 'last month'; expected a month (2018-07, Mar-21, March 2021)"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[0] or "blank" for b in BAD])
def test_bad_forms_say_what_was_expected(text, message):
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    assert message in str(caught.value)


def test_bad_ees_year():
    with pytest.raises(ValueError, match="unrecognised EES time_period '2024-25'"):
        parse_ees_year("2024-25")


STEPS = [
    # text, previous, same period last year
    ("2018-07", "2018-06", "2017-07"),
    ("2018-01", "2017-12", "2017-01"),
    ("Mar-21", "Feb-21", "Mar-20"),
    ("March 2021", "February 2021", "March 2020"),
    ("2018-10-09", "2018-10-02", "2017-10-10"),  # weeks: 52 weeks back keeps the weekday
    ("2018-Q1", "2017-Q4", "2017-Q1"),
    ("Q1 2023/24", "Q4 2022/23", "Q1 2022/23"),  # a financial quarter steps as one
    ("2023/24 Q4", "2023/24 Q3", "2022/23 Q4"),
    ("2014/15", "2013/14", "2013/14"),
    ("2014-15", "2013-14", "2013-14"),
    ("2000/01", "1999/00", "1999/00"),
    ("2018-04/2018-08", "2017-04/2017-08", "2017-04/2017-08"),  # a part year steps a year: the same months
]


@pytest.mark.parametrize(("text", "previous", "last_year"), STEPS, ids=[s[0] for s in STEPS])
def test_previous_and_same_period_last_year_keep_the_users_style(text, previous, last_year):
    period = parse_period(text)
    assert previous_period(period).text == previous
    assert previous_period(period) == parse_period(previous)
    assert same_period_last_year(period).text == last_year
    assert same_period_last_year(period) == parse_period(last_year)


def test_ees_years_step_back_a_year():
    period = parse_ees_year("2025")
    assert previous_period(period) == parse_ees_year("2024")
    assert previous_period(period).text == "2024"
    assert previous_period(period).kind is YE


def test_period_index_counts_consecutive_periods():
    july = parse_period("2018-07")
    assert period_index(shift_period(july, 7)) - period_index(july) == 7
    assert period_index(parse_period("2019-Q1")) - period_index(parse_period("2018-Q4")) == 1


def test_a_part_year_counts_in_its_financial_year():
    """So full years then the year to date are consecutive, and a missing full year is a gap."""
    part = parse_period("2018-04/2018-08")
    assert period_index(part) - period_index(parse_period("2017/18")) == 1
    assert period_index(part) - period_index(parse_ees_year("2018")) == 1
    assert period_index(shift_period(part, -1)) == period_index(part) - 1


def test_a_financial_year_stepped_from_a_run_of_months_is_written_the_usual_way():
    assert previous_period(parse_period("2018-04/2019-03")).text == "2017/18"


def test_a_financial_quarter_is_named_by_its_months_in_statements():
    """An officer's "Q1 2023/24" is April to June 2023; read as a calendar quarter it was January to March."""
    from reportgen.metrics.statements import statements_for
    from tests.metrics_series import measure, series

    rows = [("Q1 2022/23", "40"), ("Q2 2022/23", "42"), ("Q3 2022/23", "41"), ("Q4 2022/23", "44"),
            ("Q1 2023/24", "47")]
    quarterly = measure("care_proceedings_issued", frequency="quarterly")
    made = statements_for(series("care_proceedings_issued", rows), quarterly)
    latest = next(s for s in made if s.kind == "latest").text
    assert latest.endswith("was 47 in April to June 2023.")
    assert "April to June 2022" in next(s for s in made if s.kind == "year_on_year").text
