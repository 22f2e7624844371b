"""Reporting periods: the forms people write them in, parsed into ``Period``.

The first stage of loading: every period cell becomes a ``Period`` with its
start and end dates, its kind and the text as typed (so a statement can say
"since Mar-21" back to someone who wrote ``Mar-21``). Loaders call these on
each *distinct* period text only, so a file of 720,000 rows parses a hundred
or so strings.

Accepted forms (case and surrounding spaces do not matter):

============================  ===============================================
``2018-07``                   month (July 2018)
``Mar-21``, ``Mar 2021``,     month; ``Sept`` is accepted; a two-digit year
``March 2021``, ``March-21``  follows Excel: 00-29 are 2000s, 30-99 are 1900s
``2018-10-09``, ``9/10/2018``  a day, or the week ending that day (UK order)
``2018-Q3``, ``Q3 2018``      calendar quarter (July to September 2018)
``Q1 2018/19``, ``2018/19 Q1``  quarter of a financial year (April to June 2018)
``2014/15``, ``2014-15``,     financial year, 1 April 2014 to 31 March 2015
``2014/2015``
``2018-04/2018-08``,          part of a year: the months from the first to the
``2018-04 to 2018-08``        last, inclusive (a year-to-date figure)
EES ``2025`` (parse_ees_year)  year ending 31 March 2025
EES ``202425``                financial year 2024/25
============================  ===============================================

``2011-12`` is both December 2011 and the financial year 2011/12. It is read
as the month unless the caller says the measure is reported by financial year
(``financial_year=True``); writing ``2011/12`` is never ambiguous.

A part year is two to eleven months. Twelve months from April are read as
the financial year (``2018-04/2019-03`` is 2018/19), so a year to date that
reaches March lines up with figures written the usual way; other runs of
twelve months are refused, because a rolling year is compared like for like
with nothing else here.

A bare ``2021`` is refused outside EES files: a calendar year, a financial
year and a year ending March are all plausible, and guessing would put a
figure in the wrong year.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from reportgen.data.types import Period, PeriodKind

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_EXPECTED = ("expected a month (2018-07, Mar-21, March 2021), a date (2018-10-09), "
             "a quarter (2018-Q3, or Q1 2018/19 for April to June), a financial year (2014/15) "
             "or part of a year (2018-04/2018-08)")

_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_MONTH_RUN = re.compile(r"(\d{4})-(\d{1,2})\s*(?:/|to)\s*(\d{4})-(\d{1,2})", re.IGNORECASE)
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([0-9])", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"Q([0-9])\s*[- ]?\s*(\d{4})", re.IGNORECASE)
_FINANCIAL = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})")
_FINANCIAL_QUARTER = re.compile(r"Q(?P<q>[0-9])\s*[- ]?\s*(?P<fy>\d{4}\s*[/-]\s*(?:\d{2}|\d{4}))"
                                r"|(?P<fy2>\d{4}\s*[/-]\s*(?:\d{2}|\d{4}))\s*[- ]?\s*Q(?P<q2>[0-9])", re.IGNORECASE)
"""``Q1 2018/19`` or ``2018/19 Q1``: the first quarter of the financial year, April to June 2018."""
_NAMED_MONTH = re.compile(r"([A-Za-z]+)\.?\s*[- ]?\s*(\d{2}|\d{4})")
_EES_YEAR = re.compile(r"\d{4}")
_EES_FINANCIAL = re.compile(r"(\d{4})(\d{2})")


def parse_period(text: str, *, financial_year: bool = False) -> Period:
    """Parse one period as typed in a data file; ``ValueError`` says what was expected.

    ``financial_year`` resolves ``2011-12`` (month or financial year?) towards
    the financial year; loaders pass it for measures the contract reports by
    financial year.
    """
    raw = text
    text = str(text).strip()
    if not text:
        raise ValueError(f"period is blank; {_EXPECTED}")

    if match := _ISO_MONTH.fullmatch(text):
        year, second = int(match[1]), int(match[2])
        is_fy = second == (year + 1) % 100
        if is_fy and (financial_year or not 1 <= second <= 12):
            return _financial_year(year, text)
        if not 1 <= second <= 12:
            raise ValueError(f"{raw!r} is neither a month ({second} is not 1 to 12) nor a financial year "
                             f"(that would be {year}/{(year + 1) % 100:02d})")
        return _month(year, second, text)
    if match := _MONTH_RUN.fullmatch(text):
        return _month_run(int(match[1]), int(match[2]), int(match[3]), int(match[4]), text)
    if match := _ISO_DAY.fullmatch(text):
        return _day(int(match[1]), int(match[2]), int(match[3]), text)
    if match := _UK_DAY.fullmatch(text):
        return _day(int(match[3]), int(match[2]), int(match[1]), text)
    if match := _FINANCIAL_QUARTER.fullmatch(text):
        year = parse_period(match["fy"] or match["fy2"], financial_year=True)
        if year.kind is not PeriodKind.FINANCIAL_YEAR:
            raise ValueError(f"{raw!r}: {match['fy'] or match['fy2']} is not a financial year; {_EXPECTED}")
        return _financial_quarter(year.start.year, int(match["q"] or match["q2"]), text)
    if match := _QUARTER.fullmatch(text):
        return _quarter(int(match[1]), int(match[2]), text)
    if match := _QUARTER_FIRST.fullmatch(text):
        return _quarter(int(match[2]), int(match[1]), text)
    if match := _FINANCIAL.fullmatch(text):
        year, end = int(match[1]), match[2]
        if int(end) != (year + 1 if len(end) == 4 else (year + 1) % 100):
            raise ValueError(f"{raw!r} is not a financial year: it must end the year after it starts "
                             f"({year}/{(year + 1) % 100:02d})")
        return _financial_year(year, text)
    if match := _NAMED_MONTH.fullmatch(text):
        name = match[1].lower()
        if name not in _MONTHS:
            raise ValueError(f"unrecognised month name {match[1]!r} in {raw!r}; {_EXPECTED}")
        return _month(_year(match[2]), _MONTHS[name], text)
    if _EES_YEAR.fullmatch(text):
        raise ValueError(f"a bare year {raw!r} is ambiguous; write {int(text) - 1}/{int(text) % 100:02d} "
                         f"for the financial year ending March {text}, or {text}-03 for a month")
    raise ValueError(f"unrecognised period {raw!r}; {_EXPECTED}")


def parse_ees_year(text: str) -> Period:
    """An EES ``time_period``: ``2025`` is the year ending 31 March 2025; ``202425`` is 2024/25."""
    text = str(text).strip()
    if _EES_YEAR.fullmatch(text):
        end_year = int(text)
        return Period(date(end_year, 3, 31), date(end_year - 1, 4, 1), PeriodKind.YEAR_ENDING_MARCH, text)
    if (match := _EES_FINANCIAL.fullmatch(text)) and int(match[2]) == (int(match[1]) + 1) % 100:
        return _financial_year(int(match[1]), text)
    raise ValueError(f"unrecognised EES time_period {text!r}; expected a year such as 2025 "
                     "(year ending 31 March) or 202425 (financial year 2024/25)")


def previous_period(p: Period) -> Period:
    """The period just before ``p``, of the same kind; a DAY steps back one week (week-ending data)."""
    return _shift(p, -1)


def same_period_last_year(p: Period) -> Period:
    """The same period a year earlier; for a DAY, 52 weeks earlier, so a week ending Friday stays on a Friday."""
    if p.kind is PeriodKind.MONTH:
        return _shift(p, -12)
    if p.kind is PeriodKind.QUARTER:
        return _shift(p, -4)
    if p.kind is PeriodKind.DAY:
        return _shift(p, -52)
    return _shift(p, -1)


def shift_period(p: Period, steps: int) -> Period:
    """The period ``steps`` periods after ``p`` (before, when negative), written in ``p``'s style.

    DAY steps are weeks.
    """
    return _shift(p, steps)


def period_index(p: Period) -> int:
    """A whole number that goes up by one per period of ``p``'s kind (days for DAY); used to find gaps."""
    if p.kind is PeriodKind.MONTH:
        return p.start.year * 12 + p.start.month - 1
    if p.kind is PeriodKind.QUARTER:
        return p.start.year * 4 + (p.start.month - 1) // 3
    if p.kind is PeriodKind.DAY:
        return p.end.toordinal()
    if p.kind is PeriodKind.PART_YEAR:
        return financial_year_of(p.end).end.year  # in line with the full years it follows
    return p.end.year


def financial_year_of(day: date) -> Period:
    """The financial year (1 April to 31 March) holding ``day``, written ``2018/19``."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return _financial_year(start_year, f"{start_year}/{(start_year + 1) % 100:02d}")


# --- construction -----------------------------------------------------------

def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    two = int(text)
    return 2000 + two if two < 30 else 1900 + two


def _month(year: int, month: int, text: str) -> Period:
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month {month} is not 1 to 12; {_EXPECTED}")
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, last), date(year, month, 1), PeriodKind.MONTH, text)


def _day(year: int, month: int, day: int, text: str) -> Period:
    try:
        when = date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (year {year}, month {month}, day {day})") from None
    return Period(when, when, PeriodKind.DAY, text)


def _quarter(year: int, quarter: int, text: str) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(f"{text!r}: quarter {quarter} is not 1 to 4; {_EXPECTED}")
    first = 3 * (quarter - 1) + 1
    end = _month(year, first + 2, "").end
    return Period(end, date(year, first, 1), PeriodKind.QUARTER, text)


def _financial_quarter(start_year: int, quarter: int, text: str) -> Period:
    """Quarter ``quarter`` of the financial year starting in April ``start_year``: Q1 is April to June."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"{text!r}: quarter {quarter} is not 1 to 4; {_EXPECTED}")
    year, calendar_quarter = divmod(start_year * 4 + quarter, 4)
    return _quarter(year, calendar_quarter + 1, text)


def _month_run(first_year: int, first: int, last_year: int, last: int, text: str) -> Period:
    """``2018-04/2018-08``: April to August 2018 (or the month or financial year it spans).

    April to June stays a part year, not a calendar quarter: it is the first
    three months of a year to date, and sits after full years as one.
    """
    start, end = _month(first_year, first, text), _month(last_year, last, text)
    months = (last_year * 12 + last) - (first_year * 12 + first) + 1
    if months < 1:
        raise ValueError(f"{text!r}: the run of months ends before it starts; write the first month first")
    if months == 1:
        return _month(first_year, first, text)
    if months == 12 and first == 4:
        return _financial_year(first_year, text)
    if months >= 12:
        raise ValueError(f"{text!r} is {months} months; a part of a year is two to eleven months "
                         "(write a financial year as 2018/19)")
    return Period(end.end, start.start, PeriodKind.PART_YEAR, text)


def _financial_year(start_year: int, text: str) -> Period:
    return Period(date(start_year + 1, 3, 31), date(start_year, 4, 1), PeriodKind.FINANCIAL_YEAR, text)


# --- stepping, keeping the style the period was written in -----------------------

_STYLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[A-Za-z]{3}-\d{2}"), "%b-%y"),
    (re.compile(r"[A-Za-z]{3} \d{4}"), "%b %Y"),
    (re.compile(r"[A-Za-z]{4,} \d{4}"), "%B %Y"),
    (re.compile(r"\d{1,2}/\d{1,2}/\d{4}"), "%d/%m/%Y"),
]


def _shift(p: Period, steps: int) -> Period:
    if p.kind is PeriodKind.MONTH:
        start = _shift_month(p.start, steps)
        return _month(start.year, start.month, _restyle(p.text, start, f"{start:%Y-%m}"))
    if p.kind is PeriodKind.QUARTER:
        index = period_index(p) + steps
        year, quarter = divmod(index, 4)
        if _FINANCIAL_QUARTER.fullmatch(p.text.strip()):  # written by financial year: keep it so
            fy_start, fy_quarter = divmod(index - 1, 4)
            fy = f"{fy_start}/{(fy_start + 1) % 100:02d}"
            text = f"Q{fy_quarter + 1} {fy}" if p.text.strip()[:1].upper() == "Q" else f"{fy} Q{fy_quarter + 1}"
        else:
            canonical = f"{year}-Q{quarter + 1}"
            text = f"Q{quarter + 1} {year}" if p.text[:1].upper() == "Q" else canonical
        return _quarter(year, quarter + 1, text)
    if p.kind is PeriodKind.DAY:
        when = p.end + timedelta(weeks=steps)
        return Period(when, when, PeriodKind.DAY, _restyle(p.text, when, when.isoformat()))
    if p.kind is PeriodKind.PART_YEAR:  # the same months, ``steps`` years on
        first, last = _shift_month(p.start, 12 * steps), _shift_month(p.end, 12 * steps)
        return Period(_month(last.year, last.month, "").end, first, p.kind, f"{first:%Y-%m}/{last:%Y-%m}")
    end_year = p.end.year + steps
    if p.kind is PeriodKind.YEAR_ENDING_MARCH:
        return Period(date(end_year, 3, 31), date(end_year - 1, 4, 1), p.kind, str(end_year))
    start_year = end_year - 1
    if re.fullmatch(r"\d{6}", p.text):
        text = f"{start_year}{end_year % 100:02d}"
    elif re.fullmatch(r"\d{4}\s*[/-]\s*\d{4}", p.text):
        text = f"{start_year}{'-' if '-' in p.text else '/'}{end_year}"
    else:
        dash = _FINANCIAL.fullmatch(p.text.strip()) is not None and "-" in p.text
        text = f"{start_year}{'-' if dash else '/'}{end_year % 100:02d}"
    return _financial_year(start_year, text)


def _shift_month(day: date, months: int) -> date:
    """The first of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _restyle(template: str, when: date, canonical: str) -> str:
    for pattern, fmt in _STYLES:
        if pattern.fullmatch(template.strip()):
            return when.strftime(fmt)
    return canonical
