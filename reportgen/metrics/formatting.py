"""Phrasing's number and date vocabulary: en-GB numbers, periods and ordinals.

Every number a statement prints passes through here, so the rounding rule
lives in one place: values stay exact ``Decimal`` until they are written, and
are then rounded half up (62 -> 36 is a 41.935...% decrease, written "42%").
Babel does the grouping (1,572) but would round half to even on its own, so
values are quantised here first and babel only lays out the digits.

Periods are named by their kind, in the ONS style:

    month               July 2018
    day                 9 October 2018 (weekly data: the week ending 9 October 2018)
    calendar quarter    July to September 2018  (ONS prefers this to "Q3 2018")
    part of a year      April to August 2018 (a year-to-date figure, ``2018-04/2018-08``)
    financial year      2014/15
    year ending March   2024/25  (EES ``time_period`` 2025: the year to 31 March 2025,
                                  which councils write as the financial year)
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from reportgen.data.contracts import Frequency, Measure, Unit
from reportgen.data.types import Period, PeriodKind
from reportgen.style import NumberStyle

LOCALE = Locale.parse("en_GB")

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ORDINAL_WORDS = ("zeroth", "first", "second", "third", "fourth", "fifth",
                  "sixth", "seventh", "eighth", "ninth")


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(10))


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero (ONS rounding)."""
    quantum = _QUANTA[decimals] if 0 <= decimals < len(_QUANTA) else Decimal(1).scaleb(-decimals)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


@cache
def _pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


_SYMBOLS = LOCALE.number_symbols["latn"]
_PLAIN_GROUPING = (_pattern(0).grouping == (3, 3) and _SYMBOLS["group"] == ","
                   and _SYMBOLS["decimal"] == "." and _SYMBOLS["minusSign"] == "-")
"""True for en-GB: babel's pattern is Python's own ``,`` grouping, so the quick path is exact."""


def format_number(value: Decimal, decimals: int = 0) -> str:
    """``1572.25`` at 1 dp -> ``"1,572.3"``: rounded half up, grouped in thousands (babel's en-GB pattern).

    The value is quantised half up here first, so the layout step never rounds again.
    """
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0"
    if _PLAIN_GROUPING:
        return f"{rounded:,.{decimals}f}"
    return str(_pattern(decimals).apply(rounded, LOCALE))  # pragma: no cover - other locales


def format_value(value: Decimal, measure: Measure, places: int | None = None) -> str:
    """A measure's value as a statistic: ``244``, ``27%``, ``122.6``, ``£1,572``.

    ``places``: decimal places, when a sentence needs more than the measure's own.
    """
    text = format_number(value, measure.decimals if places is None else places)
    if measure.unit is Unit.PERCENT:
        return f"{text}%"
    if measure.unit is Unit.MONEY:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


def format_points(value: Decimal, decimals: int) -> str:
    """A difference between two percentages: ``9 percentage points``, ``1 percentage point``."""
    text = format_number(abs(value), decimals)
    return f"{text} percentage {'point' if text == '1' else 'points'}"


def format_count(count: int, style: NumberStyle) -> str:
    """A count that is not itself the statistic ("for seven months"): words for one to nine."""
    if style.words_for_small_numbers and 1 <= count <= 9:
        return _WORDS[count]
    return format_number(Decimal(count))


def ordinal(n: int, style: NumberStyle) -> str:
    """``4`` -> ``"fourth"`` (words for first to ninth), ``12`` -> ``"12th"`` (ONS style)."""
    if style.words_for_small_numbers and 1 <= n <= 9:
        return _ORDINAL_WORDS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def indefinite(word: str) -> str:
    """``"fourth"`` -> ``"a fourth"``; ``"eighth"``, ``"11th"``, ``"80th"`` -> ``"an ..."`` (as spoken)."""
    digits = re.match(r"\d+", word)
    if digits is None:
        vowel = word[0].lower() in "aeiou"
    else:
        n = int(digits.group())
        # Spoken with a vowel first: eight..., eleven, eighteen, and their thousands.
        vowel = str(n).startswith("8") or n in (11, 18) or (n < 1_000_000 and n // 1000 in (11, 18))
    return f"{'an' if vowel else 'a'} {word}"


def join_words(items: list[str], conjunction: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"`` (no Oxford comma, GOV.UK style)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def upper_first(text: str) -> str:
    """Capital first letter, the rest untouched ("Children looked after"; str.capitalize lowers "England")."""
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capitalise ``text`` as a sentence; refuse one that would start with a numeral."""
    if not text or text[0].isdigit() or (text[0] in "£-" and text[1:2].isdigit()):
        raise ValueError(f"a sentence must not start with a numeral: {text!r}")
    return upper_first(text)


# -- periods -----------------------------------------------------------------


@cache
def period_name(period: Period, style: NumberStyle, frequency: Frequency | None = None) -> str:
    """The period as a sentence names it: ``July 2018``, ``2014/15``, ``the week ending 9 October 2018``."""
    kind = period.kind
    if kind is PeriodKind.MONTH:
        return format_date(period.end, style.month_format, locale=LOCALE)
    if kind is PeriodKind.DAY:
        day = format_date(period.end, style.date_format, locale=LOCALE)
        return f"the week ending {day}" if frequency is Frequency.WEEKLY else day
    if kind in (PeriodKind.QUARTER, PeriodKind.PART_YEAR):
        end = format_date(period.end, style.month_format, locale=LOCALE)
        if period.start.year == period.end.year:
            start = format_date(period.start, _month_only(style.month_format), locale=LOCALE)
        else:
            start = format_date(period.start, style.month_format, locale=LOCALE)
        return f"{start} {style.range_word} {end}"
    if kind in (PeriodKind.FINANCIAL_YEAR, PeriodKind.YEAR_ENDING_MARCH):
        return f"{period.end.year - 1}/{period.end.year % 100:02d}"
    raise ValueError(f"cannot name a period of kind {kind!r}")  # pragma: no cover


def _month_only(pattern: str) -> str:
    """``MMMM yyyy`` -> ``MMMM``: the month part of a month pattern, for "July to September 2018"."""
    return re.sub(r"[\s,.\-/]*y+[\s,.\-/]*", " ", pattern).strip() or "MMMM"


def period_phrase(period: Period, style: NumberStyle, frequency: Frequency | None = None) -> str:
    """``in July 2018``, ``in 2014/15``, ``in the week ending ...``, ``on 9 October 2018``."""
    name = period_name(period, style, frequency)
    if period.kind is PeriodKind.DAY and frequency is not Frequency.WEEKLY:
        return f"on {name}"
    return f"in {name}"
