"""Numbers and periods as statements write them: half-up rounding, en-GB grouping, ONS period names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.data.contracts import Frequency, Unit
from reportgen.metrics.formatting import (
    format_count,
    format_number,
    format_points,
    format_value,
    indefinite,
    join_words,
    ordinal,
    period_name,
    period_phrase,
    round_half_up,
    sentence,
)
from reportgen.style import NumberStyle
from tests.metrics_series import measure, period

STYLE = NumberStyle()


def reference_format(units: int, scale: int, decimals: int) -> str:
    """``units / 10**scale`` rounded half away from zero and grouped, by integer arithmetic only."""
    negative = units < 0
    units = abs(units)
    if scale > decimals:
        step = 10 ** (scale - decimals)
        whole, rest = divmod(units, step)
        units = whole + (1 if 2 * rest >= step else 0)
    else:
        units *= 10 ** (decimals - scale)
    integer, fraction = divmod(units, 10**decimals)
    digits = f"{integer:,}" + (f".{fraction:0{decimals}d}" if decimals else "")
    return f"-{digits}" if negative and units != 0 else digits


@given(st.integers(-10**12, 10**12), st.integers(0, 6), st.integers(0, 3))
def test_format_number_rounds_half_up_like_integer_arithmetic(units, scale, decimals):
    value = Decimal(units).scaleb(-scale)
    assert format_number(value, decimals) == reference_format(units, scale, decimals)


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    ("41.935", 0, "42"),          # 62 -> 36: never 43
    ("0.5", 0, "1"),              # half up, where babel alone would give 0 (half even)
    ("2.5", 0, "3"),
    ("1572.25", 1, "1,572.3"),
    ("0.125", 2, "0.13"),
    ("-0.4", 0, "0"),             # never "-0"
    ("1234567", 0, "1,234,567"),
])
def test_format_number_examples(value, decimals, expected):
    assert format_number(Decimal(value), decimals) == expected


def test_round_half_up_keeps_exact_decimals():
    assert round_half_up(Decimal("25.45"), 1) == Decimal("25.5")
    assert round_half_up(Decimal("-25.45"), 1) == Decimal("-25.5")


def test_values_by_unit():
    assert format_value(Decimal(1572), measure("lac_count")) == "1,572"
    assert format_value(Decimal("27.4"), measure("cpp_repeat_pct")) == "27%"
    assert format_value(Decimal("25.45"), measure("cpp_2yr_plus_pct")) == "25.5%"
    assert format_value(Decimal("122.6"), measure("lac_rate_per_10k")) == "122.6"
    assert format_value(Decimal("1572"), measure("lac_count", unit=Unit.MONEY)) == "£1,572"
    assert format_points(Decimal("-9"), 0) == "9 percentage points"
    assert format_points(Decimal("1.2"), 0) == "1 percentage point"


def test_words_for_one_to_nine_only_where_the_number_is_not_the_statistic():
    assert format_count(7, STYLE) == "seven"
    assert format_count(12, STYLE) == "12"
    assert format_count(7, NumberStyle(words_for_small_numbers=False)) == "7"
    assert format_value(Decimal(7), measure("cpp_count")) == "7"   # a statistic stays a numeral


@pytest.mark.parametrize(("n", "expected"), [
    (1, "a first"), (4, "a fourth"), (8, "an eighth"), (10, "a 10th"), (11, "an 11th"),
    (12, "a 12th"), (18, "an 18th"), (21, "a 21st"), (22, "a 22nd"), (23, "a 23rd"), (80, "an 80th"),
])
def test_ordinals(n, expected):
    assert indefinite(ordinal(n, STYLE)) == expected


def test_ordinals_in_numerals_when_the_house_style_says_so():
    assert ordinal(4, NumberStyle(words_for_small_numbers=False)) == "4th"


@pytest.mark.parametrize(("text", "frequency", "expected"), [
    ("2018-07", None, "July 2018"),
    ("Mar-21", None, "March 2021"),
    ("2018-10-09", None, "9 October 2018"),
    ("2018-10-09", Frequency.WEEKLY, "the week ending 9 October 2018"),
    ("2018-Q3", None, "July to September 2018"),
    ("2014/15", None, "2014/15"),
    ("2014-15", Frequency.FINANCIAL_YEAR, "2014/15"),
    ("2025", None, "2024/25"),       # EES: the year ending 31 March 2025
    ("1999/00", None, "1999/00"),
])
def test_periods_are_named_by_kind(text, frequency, expected):
    p = period(text) if text != "2014-15" else period("2014/15")
    assert period_name(p, STYLE, frequency) == expected


def test_period_phrases_choose_their_preposition():
    assert period_phrase(period("2018-07"), STYLE) == "in July 2018"
    assert period_phrase(period("2018-10-09"), STYLE) == "on 9 October 2018"
    assert period_phrase(period("2018-10-09"), STYLE, Frequency.WEEKLY) == "in the week ending 9 October 2018"


def test_house_style_date_patterns_and_range_word_apply():
    style = NumberStyle(month_format="MMM yyyy", range_word="until")
    assert period_name(period("2018-07"), style) == "Jul 2018"
    assert period_name(period("2018-Q3"), style) == "Jul until Sept 2018"


def test_a_sentence_never_starts_with_a_numeral():
    assert sentence("the number of children") == "The number of children"
    for bad in ("27% of plans", "£1,572 was spent", ""):
        with pytest.raises(ValueError):
            sentence(bad)


def test_join_words():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


@given(st.integers(-10**12, 10**12), st.integers(0, 6), st.integers(0, 3))
def test_quick_grouping_is_babels_en_gb_pattern(units, scale, decimals):
    from reportgen.metrics.formatting import LOCALE, _pattern

    rounded = round_half_up(Decimal(units).scaleb(-scale), decimals)
    if rounded == 0:
        rounded = abs(rounded)
    assert format_number(Decimal(units).scaleb(-scale), decimals) == str(_pattern(decimals).apply(rounded, LOCALE))
