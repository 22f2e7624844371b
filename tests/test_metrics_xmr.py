"""XmR limits and special-cause rules (NHS Making Data Count), and the band rule built beside them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.metrics import rules, xmr
from reportgen.metrics.bands import find_band
from reportgen.metrics.facts import FactOptions
from reportgen.metrics.timeline import Timeline
from tests.metrics_series import measure, months, period

D = Decimal


@given(st.lists(st.integers(0, 1000), min_size=2, max_size=60), st.none() | st.integers(2, 60))
def test_limits_are_mean_plus_minus_2_66_mean_moving_range(values, baseline):
    lim = xmr.limits([D(v) for v in values], baseline)
    base = values[:baseline] if baseline else values
    mean = Fraction(sum(base), len(base))
    mr = Fraction(sum(abs(b - a) for a, b in zip(base, base[1:])), len(base) - 1)
    assert Fraction(lim.mean) == pytest.approx(mean, rel=1e-20)
    assert Fraction(lim.upper) == pytest.approx(mean + Fraction(266, 100) * mr, rel=1e-20, abs=1e-20)
    assert Fraction(lim.lower) == pytest.approx(mean - Fraction(266, 100) * mr, rel=1e-20, abs=1e-20)
    assert lim.baseline == len(base)


def test_limits_need_two_points():
    with pytest.raises(ValueError):
        xmr.limits([D(1)])


def test_the_three_rules():
    steady = [D(v) for v in (10, 12, 11, 9, 10, 11, 10, 12, 9, 10, 11, 30)]
    lim = xmr.limits(steady)
    assert xmr.points_beyond(steady, lim) == [11]
    shifted = [D(v) for v in (5, 6, 5, 6, 5, 6, 5, 6, 9, 8, 9, 8, 9, 8, 9)]
    assert xmr.side_run_at_end(shifted, xmr.limits(shifted).mean) == ("above", 7)
    rising = [D(v) for v in (5, 4, 5, 6, 7, 8, 9, 10)]
    assert xmr.trend_run_at_end(rising) == ("rising", 7)
    assert xmr.trend_run_at_end([D(1), D(2), D(2)]) == (None, 1)   # a tie ends a trend
    flags = xmr.special_causes(shifted, xmr.limits(shifted))
    assert flags["shift"] == list(range(15))   # eight below the mean, then seven above


def test_a_point_on_the_mean_ends_a_run():
    values = [D(v) for v in (1, 3, 3, 3, 2, 3, 3)]
    assert xmr.side_run_at_end(values, D(2)) == ("above", 2)


def test_spike_needs_enough_points():
    short = months("2018-01", [250] * 5 + [300])
    assert rules.spike(Timeline.of(short, measure("cpp_count")), FactOptions()) is None


def test_latest_beyond_the_limits_is_not_called_returned():
    values = [250, 252, 248, 251, 249, 253, 247, 250, 252, 248, 251, 249, 290]
    fact = rules.spike(Timeline.of(months("2018-01", values), measure("cpp_count")), FactOptions())
    assert fact is not None and fact.direction == "high" and not fact.returned


def test_a_band_is_not_claimed_for_a_climbing_series():
    climbing = months("2021-03", [440, 433, 426, 431, 431, 428, 432, 438, 448, 462, 473, 479, 483],
                      measure="lac_count")
    assert find_band(Timeline.of(climbing, measure("lac_count")), FactOptions()) is None


def test_band_for_percentages_is_in_points():
    values = ["25.5", "26.1", "24.8", "25.9", "26.4", "25.2", "24.9", "25.7"]
    fact = find_band(Timeline.of(months("2018-01", values, measure="cpp_2yr_plus_pct"),
                                 measure("cpp_2yr_plus_pct")), FactOptions())
    assert fact is not None and fact.in_points and fact.tolerance == 2
    assert fact.lower <= D("24.8") and fact.upper >= D("26.4")


def test_a_band_rests_on_the_figure_before_it_too():
    """"Within 4% of 250 since May 2018" is checked by the figures since May and by April's, outside the band."""
    values = [300, 251, 249, 252, 250, 248, 251, 250, 249]
    fact = find_band(Timeline.of(months("2018-04", values), measure("cpp_count")), FactOptions())
    assert fact is not None and fact.start.text == "2018-05"
    assert [row.observation.period.text for row in fact.sources][:2] == ["2018-04", "2018-05"]
    assert len(fact.sources) == len(values)


def test_no_band_for_small_counts():
    values = [5, 6, 5, 6, 5, 6, 5, 6]
    assert find_band(Timeline.of(months("2018-01", values), measure("cpp_count")), FactOptions()) is None


def test_baseline_limits_come_from_the_first_points_only():
    values = [250, 252, 248, 251, 249, 253, 247, 250, 252, 248, 251, 249, 262, 263, 261, 264, 262, 263, 265]
    series_ = months("2017-01", values)
    whole = Timeline.of(series_, measure("cpp_count"))
    based = Timeline.of(series_, measure("cpp_count"))
    assert whole.limits(None).mean > Decimal(3000) / 12     # the later level lifts the mean of every point
    fact = rules.spike(based, FactOptions(xmr_baseline=12))
    assert fact is not None and fact.direction == "high" and not fact.returned
    assert fact.mean == Decimal(3000) / 12
    shift = rules.shift(based, FactOptions(xmr_baseline=12))
    assert shift is not None and shift.side == "above" and shift.length == 7


# A service that changed in October 2020: 18 months around 305, then 18 around 385, then a high month.
BEFORE, AFTER = [300, 310] * 9, [380, 390] * 9
CHANGED = months("2019-04", [*BEFORE, *AFTER, 430])


def test_a_rebase_works_the_limits_out_again_from_the_change():
    line = Timeline.of(CHANGED, measure("cpp_count"))
    rebased = FactOptions(xmr_rebase=(period("2020-10"),))
    assert rules.shift(line, FactOptions()) is not None  # the old process makes every new month look special
    assert rules.shift(line, rebased) is None  # the new process alternates about its own mean
    spike = rules.spike(line, rebased)
    assert spike is not None and spike.observation.period.text == "2022-04"
    expected = xmr.limits([D(v) for v in [*AFTER, 430]])
    assert (spike.mean, spike.lower_limit, spike.upper_limit) == (expected.mean, expected.lower, expected.upper)
    assert spike.since is not None and spike.since.text == "2020-10"
    assert [s.observation.period.text for s in spike.sources][:1] == ["2020-10"]  # rests on the new process only
    assert len(spike.sources) == len(AFTER) + 1


def test_a_rebase_is_named_in_the_sentence():
    from reportgen.metrics.statements import statements_for

    made = statements_for(CHANGED, measure("cpp_count"), options=FactOptions(xmr_rebase=(period("2020-10"),)))
    spike = next(s for s in made if s.kind == "spike")
    assert spike.text == ("The number of children subject to a child protection plan rose to 430 in April 2022, "
                          "above its usual range of 356 to 418 (since October 2020).")  # 387.37 ± 2.66 × 11.67
    assert not any(s.kind == "shift" for s in made)


@pytest.mark.parametrize("changes", [(), ("2018-01",), ("2023-01",), ("2018-01", "2023-01")])
def test_a_change_before_the_run_or_after_the_latest_figure_changes_nothing(changes):
    line = Timeline.of(CHANGED, measure("cpp_count"))
    options = FactOptions(xmr_rebase=tuple(period(p) for p in changes))
    assert rules.spike(line, options) == rules.spike(line, FactOptions())
    assert rules.shift(line, options) == rules.shift(line, FactOptions())


def test_the_latest_of_several_changes_counts_and_too_few_points_since_it_claim_nothing():
    line = Timeline.of(CHANGED, measure("cpp_count"))
    both = FactOptions(xmr_rebase=(period("2021-06"), period("2020-10")))
    assert line.process_start(both.xmr_rebase) == line.process_start((period("2021-06"),)) == 26
    late = FactOptions(xmr_rebase=(period("2021-10"),))  # six points since: limits would be noise
    assert rules.spike(line, late) is None and rules.shift(line, late) is None


def test_a_spike_prints_beyond_its_limit_however_close_they_are():
    """277 against an upper limit of 276.68: "above its usual range of 227 to 277" would read as a mistake."""
    from reportgen.metrics.statements import statements_for

    base = [244, 258, 242, 248, 243, 255, 254, 255, 260, 252, 246, 243]
    made = statements_for(months("2021-01", [*base, 277]), measure("cpp_count"))
    spike = next(s for s in made if s.kind == "spike")
    assert spike.values["upper_limit"] < 277 and round(spike.values["upper_limit"]) == 277
    assert spike.text.endswith("rose to 277 in January 2022, above its usual range of 227.5 to 276.7.")


TRAFFORD = [312, 318, 305, 298, 301, 309, 315, 322, 317, 326, 331, 329,  # April 2022 to March 2023
            336, 341, 338, 352, 347, 339, 333, 328, 321, 318, 312]  # April 2023 to February 2024


def test_a_spike_that_has_returned_names_its_peak_and_every_month_beyond_the_limit():
    """Found by an adopter: "spiked to 347 in August 2023" when July was 352 and May (341) was also
    above the upper limit of 340.75; and the range printed as "307 to 341", which seemed to hold May."""
    from reportgen.metrics.statements import statements_for

    made = statements_for(months("2022-04", TRAFFORD), measure("cpp_count"))
    spike = next(s for s in made if s.kind == "spike")
    assert [(b["period"], b["value"]) for b in spike.values["beyond"]] == [
        ("2023-05", 341), ("2023-07", 352), ("2023-08", 347)]
    assert spike.values["spike_period"] == "2023-07" and spike.values["value"] == 352
    assert spike.text == ("The number of children subject to a child protection plan was above its usual range "
                          "of 306.9 to 340.8 in three of the four months from May 2023 to August 2023, "
                          "peaking at 352 in July 2023, and has since returned to it.")


def test_a_spike_still_beyond_the_limit_says_how_long_it_has_been():
    from reportgen.metrics.statements import statements_for

    still = statements_for(months("2022-04", TRAFFORD[:17]), measure("cpp_count"))  # to August 2023
    spike = next(s for s in still if s.kind == "spike")
    assert spike.values["returned"] is False and spike.values["spike_period"] == "2023-08"
    assert spike.text.startswith("The number of children subject to a child protection plan was 347 in "
                                 "August 2023, above its usual range of ")
    assert spike.text.endswith("; it was also above it in May 2023 and July 2023.")
    base = [250, 252, 248, 251, 249, 253, 247, 250, 252, 248, 251, 249]
    run = statements_for(months("2018-01", [*base, 290, 295]), measure("cpp_count"))
    assert next(s for s in run if s.kind == "spike").text.endswith(
        "has been above its usual range of 239 to 273 for two months in a row, since January 2019, "
        "and was 295 in February 2019.")  # 3585/14 ± 2.66 × 81/13


def test_every_point_a_spike_names_prints_beyond_the_limit():
    """The places are chosen for the closest of the points named, not just the one stated."""
    from reportgen.metrics.statements import statements_for

    base = [244, 258, 242, 248, 243, 255, 254, 255, 260, 252, 246, 243]
    made = statements_for(months("2021-01", [*base, 284, 285, 250]), measure("cpp_count"))
    spike = next(s for s in made if s.kind == "spike")
    assert spike.values["upper_limit"] == D("283.86")
    # 285 alone would print the range as "225 to 284", which seems to hold January's 284
    assert spike.text == ("The number of children subject to a child protection plan was above its usual range "
                          "of 225.3 to 283.9 for two months in a row from January 2022 to February 2022, "
                          "peaking at 285 in February 2022, and has since returned to it.")


@pytest.mark.parametrize("value, limit, above, places", [
    ("483", "464.2", True, (0, 0)),       # far apart: the measure's own places
    ("277", "276.68", True, (0, 1)),      # the limit needs one more
    ("276.4", "276.3", True, (1, 1)),     # and so does the figure
    ("10.2", "10.4", False, (0, 1)),      # below a lower limit: 10 against 10.4
])
def test_places_apart_finds_the_fewest_places_that_print_the_figure_beyond_the_limit(value, limit, above, places):
    from reportgen.metrics.precision import places_apart

    assert places_apart(D(value), D(limit), 0, above) == places


@pytest.mark.parametrize("june, apart", [
    ("126.04", ""),                                              # prints 126.0: within 5% of 120 as printed
    ("126.06", ", apart from June 2021, when it rose to 126.1"),  # prints 126.1: outside
])
def test_a_band_judges_each_figure_as_it_is_printed(june, apart):
    from reportgen.metrics.statements import statements_for

    values = ["118", "119", "121", "120", "122", june, "119", "120", "121", "118", "119", "120"]
    made = statements_for(months("2021-01", values, measure="lac_rate_per_10k"), measure("lac_rate_per_10k"))
    band = next(s for s in made if s.kind == "band")
    assert band.text == ("The rate of children looked after per 10,000 children has stayed within 5% of 120 "
                         f"since January 2021{apart}.")


def test_a_shift_gives_its_average_to_the_places_that_keep_every_month_on_its_side():
    """Three months of 445 above an average of 444.77: "above its average of 445" would read as a mistake."""
    from reportgen.metrics.statements import statements_for

    values = [441, 443, 443, 445, 441, 440, 447, 445, 447, 448, 445, 449, 448]
    made = statements_for(months("2021-01", values, measure="lac_count"), measure("lac_count"))
    shift = next(s for s in made if s.kind == "shift")
    assert shift.text.startswith("The number of children looked after has been above its average of 444.8 for "
                                 "seven months in a row, since July 2021")
