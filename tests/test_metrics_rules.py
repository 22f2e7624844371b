"""The fact rules against brute-force references, and their behaviour at gaps and suppressed values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.data.types import Series
from reportgen.metrics import rules
from reportgen.metrics.facts import FactOptions
from reportgen.metrics.statements import statements_for
from reportgen.metrics.timeline import Timeline
from tests.metrics_series import measure, months, period, series

CPP = measure("cpp_count")
OPTIONS = FactOptions()

values_strategy = st.lists(st.integers(0, 12), min_size=1, max_size=40)


def timeline(s: Series, m=CPP) -> Timeline:
    return Timeline.of(s, m)


# -- brute-force references: whole-list definitions, no cleverness ---------------------------------

def ref_record(values: list[int], min_gap: int, complete: bool = True):
    """(direction, index of the named period or None) as the issue defines a record, or None."""
    if len(values) < 2 or values[-1] == values[-2]:
        return None
    lowest = values[-1] < values[-2]
    earlier = [j for j in range(len(values) - 1)
               if (values[j] <= values[-1] if lowest else values[j] >= values[-1])]
    direction = "lowest" if lowest else "highest"
    if earlier:
        j = max(earlier)
        return (direction, j) if len(values) - 1 - j >= min_gap else None
    if not complete or len(values) - 1 < min_gap:
        return None
    return (direction, None)


def ref_streak(values: list[int], min_streak: int, complete: bool = True):
    """(direction, length, stopped_by): the longest tail of changes all of one sign."""
    n = len(values)
    best = 0
    for length in range(1, n):
        diffs = [values[i] - values[i - 1] for i in range(n - length, n)]
        if all(d > 0 for d in diffs) or all(d < 0 for d in diffs):
            best = length
    if best < min_streak:
        return None
    direction = "rising" if values[-1] > values[-2] else "falling"
    stopped = "direction" if best < n - 1 else ("series_start" if complete else "gap")
    return direction, best, stopped


def ref_round_percent(numerator: int, denominator: int) -> int:
    """|numerator / denominator| * 100 rounded half up, in exact fractions."""
    exact = abs(Fraction(numerator * 100, denominator))
    whole = exact.numerator // exact.denominator
    return whole + (1 if exact - whole >= Fraction(1, 2) else 0)


# -- properties -------------------------------------------------------------------------------------

def tenths(values: list[int]) -> list[str]:
    return [f"{v // 10}.{v % 10}" for v in values]


def shown(tenths_values: list[int]) -> list[int]:
    """Whole numbers as a sentence shows them: tenths rounded half up, in integers."""
    return [(v + 5) // 10 for v in tenths_values]


@given(values_strategy, st.integers(2, 5))
def test_record_matches_the_definition(values, min_gap):
    fact = rules.record(timeline(months("2015-01", values)), FactOptions(record_min_gap=min_gap))
    expected = ref_record(values, min_gap)
    if expected is None:
        assert fact is None
    else:
        assert fact is not None
        assert (fact.direction, None if fact.since is None else fact.periods_back) == (
            expected[0], None if expected[1] is None else len(values) - 1 - expected[1])
        assert fact.value == values[-1]


@given(st.lists(st.integers(0, 130), min_size=1, max_size=30))
def test_record_and_streak_compare_figures_as_shown(values):
    """With one decimal in the data and none in the sentence, 20.6 and 21.4 are both "21"."""
    t = timeline(months("2015-01", tenths(values)))
    record = rules.record(t, OPTIONS)
    expected = ref_record(shown(values), OPTIONS.record_min_gap)
    assert (None if record is None else (record.direction, record.periods_back)) == (
        None if expected is None else
        (expected[0], None if expected[1] is None else len(values) - 1 - expected[1]))
    streak = rules.streak(t, OPTIONS)
    want = ref_streak(shown(values), OPTIONS.min_streak)
    assert (None if streak is None else (streak.direction, streak.length, streak.stopped_by)) == want


@given(values_strategy, st.integers(2, 6))
def test_streak_matches_the_definition(values, min_streak):
    fact = rules.streak(timeline(months("2015-01", values)), FactOptions(min_streak=min_streak))
    expected = ref_streak(values, min_streak)
    assert (None if fact is None else (fact.direction, fact.length, fact.stopped_by)) == expected


@given(st.lists(st.integers(0, 5000), min_size=2, max_size=5))
def test_change_is_exact_and_printed_rounded_half_up(values):
    s = months("2015-01", values)
    fact = rules.change(timeline(s))
    assert fact is not None
    before, now = values[-2], values[-1]
    assert fact.absolute_change == now - before
    if before == 0:
        assert fact.percent_change is None
        return
    assert Fraction(fact.percent_change) == pytest.approx(Fraction((now - before) * 100, before), abs=1e-20)
    text = next(st_.text for st_ in statements_for(s, CPP) if st_.kind == "change")
    shown = ref_round_percent(now - before, before)
    if now != before and before >= CPP.small_number_threshold:
        assert (f"of {shown:,}%" if shown else "of less than 1%") in text


@given(st.lists(st.one_of(st.integers(0, 12), st.just("c"), st.just("gap")), min_size=1, max_size=30))
@settings(max_examples=300)
def test_record_and_streak_never_bridge_a_gap_or_a_suppressed_value(cells):
    """Reference on the clean tail only; a record "since the series began" needs no hole at all."""
    pairs, year, month = [], 2015, 1
    for cell in cells:
        if cell != "gap":
            pairs.append((f"{year}-{month:02d}", str(cell)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not pairs:
        return
    t = timeline(series("cpp_count", pairs))
    # the clean tail: published values, each the month after the one before
    tail: list[int] = []
    for (_, v), i in zip(reversed(pairs), range(len(pairs) - 1, -1, -1)):
        if v == "c" or (tail and not t.adjacent[i + 1]):
            break
        tail.insert(0, int(v))
    complete = len(tail) == len(pairs)
    fact = rules.record(t, OPTIONS)
    expected = ref_record(tail, OPTIONS.record_min_gap, complete) if tail else None
    assert (None if fact is None else fact.direction) == (None if expected is None else expected[0])
    got = rules.streak(t, OPTIONS)
    want = ref_streak(tail, OPTIONS.min_streak, complete) if tail else None
    assert (None if got is None else (got.direction, got.length, got.stopped_by)) == want


# -- examples ---------------------------------------------------------------------------------------

def test_record_is_not_claimed_one_or_two_periods_back():
    assert rules.record(timeline(months("2018-01", [250, 244, 260, 250])), OPTIONS) is None
    fact = rules.record(timeline(months("2018-01", [250, 260, 255, 244])), OPTIONS)
    assert fact is not None and fact.since is None        # nothing earlier at or below: since the series began
    fact = rules.record(timeline(months("2018-01", [240, 244, 260, 255, 250, 244])), OPTIONS)
    assert fact is not None and fact.since is not None and fact.since.period.text == "2018-02"


def test_change_across_a_gap_says_so():
    s = series("cpp_count", "2018-01=250 2018-02=c 2018-03=240")
    fact = rules.change(timeline(s))
    assert fact is not None and not fact.adjacent and fact.previous.period.text == "2018-01"
    text = next(x.text for x in statements_for(s, CPP) if x.kind == "change")
    assert text.endswith("; there is no published figure for the periods in between.")
    missing = series("cpp_count", "2018-01=250 2018-03=240")
    assert not rules.change(timeline(missing)).adjacent


def test_streak_stopped_by_a_gap_does_not_say_consecutive():
    s = series("cpp_count", "2018-01=280 2018-03=270 2018-04=260 2018-05=250 2018-06=240")
    fact = rules.streak(timeline(s), OPTIONS)
    assert fact is not None and fact.stopped_by == "gap" and fact.length == 3
    text = next(x.text for x in statements_for(s, CPP) if x.kind == "streak")
    assert "consecutive" not in text
    assert "in each of the last three months, since March 2018" in text


def test_a_suppressed_latest_value_is_the_only_fact():
    s = series("cpp_count", "2018-01=250 2018-02=240 2018-03=230 2018-04=220 2018-05=c")
    facts = rules.facts_for(s, CPP)
    assert [f.kind for f in facts] == ["suppressed"]
    assert facts[0].last_published.period.text == "2018-04"


def test_as_of_missing_from_the_series_is_reported_not_filled():
    s = series("cpp_count", "2018-01=250 2018-02=240")
    england = series("cpp_count", "2018-01=1 2018-02=2 2018-03=3", area="England")
    from tests.metrics_series import period
    facts = rules.facts_for(s, CPP, comparators=[england], as_of=period("2018-03"))
    assert [(f.kind, f.symbol) for f in facts] == [("suppressed", "missing")]


def test_year_on_year_finds_the_same_month_and_52_weeks_back():
    s = months("2017-01", range(200, 225))
    fact = rules.year_on_year(timeline(s))
    assert fact is not None and fact.previous.period.text == "2018-01" and fact.current.period.text == "2019-01"
    weeks = series("cpp_count", [(f"2018-{m:02d}-{d:02d}", "1") for m, d in ((1, 2), (1, 9))] +
                   [("2019-01-01", "2"), ("2019-01-08", "3")])
    fact = rules.year_on_year(timeline(weeks))
    assert fact is not None and fact.previous.period.text == "2018-01-09"   # 364 days earlier
    assert rules.year_on_year(timeline(series("adoptions", "2013/14=46 2014/15=14"), measure("adoptions"))) is None


def test_weekly_dates_are_weeks_whatever_the_contract_says():
    s = series("cpp_count", "2018-10-02=250 2018-10-09=244 2018-10-16=240 2018-10-23=230")
    t = timeline(s)
    assert t.unit == "week" and all(t.adjacent[1:])
    text = next(x.text for x in statements_for(s, CPP) if x.kind == "streak")
    assert text.endswith("has fallen in every week since the series began in the week ending 2 October 2018.")


def test_percentages_change_in_points_never_relative():
    pct = measure("cpp_repeat_pct")
    fact = rules.change(timeline(series("cpp_repeat_pct", "2013/14=69 2014/15=60"), pct))
    assert fact.in_points and fact.percent_change is None and fact.absolute_change == -9


def test_a_figure_at_the_end_of_a_period_compares_with_a_comparator_for_any_period_ending_that_day():
    """England's rate at 31 March 2022 is published for the year 2021/22; the council's is for March 2022."""
    rate = measure("lac_rate_per_10k")
    own = series("lac_rate_per_10k", "2022-02=121.6 2022-03=122.6", area="Gateshead")
    others = [series("lac_rate_per_10k", "2021=67 2022=70", area="England"),
              series("lac_rate_per_10k", "2021=103", area="North East")]
    fact = rules.benchmark(timeline(own, rate), others)
    assert [(c.area, c.value, c.relation, c.period) for c in fact.comparisons] == [
        ("England", Decimal(70), "higher", None)]
    assert fact.unavailable == ("North East",)  # its figure at 31 March 2021 is not the same day
    during = rate.model_copy(update={"at_period_end": False})  # a total during the year is no comparison
    assert rules.benchmark(timeline(own, during), others) is None
    assert rules.benchmark(timeline(series("lac_rate_per_10k", "2022-02=121.6", area="Gateshead"), rate),
                           others) is None  # 28 February is not 31 March


def test_benchmark_skips_comparators_without_the_period_and_compares_as_published():
    pct = measure("cpp_repeat_pct")
    own = series("cpp_repeat_pct", "2017=27.4")
    others = [series("cpp_repeat_pct", "2017=26.4", area="Statistical neighbours"),
              series("cpp_repeat_pct", "2016=19", area="England"),
              series("cpp_repeat_pct", "2017=c", area="North East")]
    fact = rules.benchmark(timeline(own, pct), others, FactOptions(latest_comparator_months=0))
    assert [(c.area, c.relation) for c in fact.comparisons] == [("Statistical neighbours", "higher")]
    assert fact.unavailable == ("England", "North East")
    same = rules.benchmark(timeline(series("cpp_repeat_pct", "2017=27.4"), pct),
                           [series("cpp_repeat_pct", "2017=26.5", area="England")])
    assert same.comparisons[0].relation == "same"   # both shown as 27%


@pytest.mark.parametrize(("polarity", "judgement"), [
    ("lower_is_better", "worse"), ("higher_is_better", "better"), ("neutral", None)])
def test_benchmark_judged_by_polarity(polarity, judgement):
    from reportgen.data.contracts import Polarity
    m = measure("cpp_repeat_pct", polarity=Polarity(polarity))
    fact = rules.benchmark(timeline(series("cpp_repeat_pct", "2017=27"), m),
                           [series("cpp_repeat_pct", "2017=19", area="England")])
    assert fact.comparisons[0].judgement == judgement


def test_identical_input_gives_identical_statements():
    s = months("2017-03", [251, 247, 253, 249, 246, 252, 255, 248, 250, 244, 251, 254, 249, 247, 252,
                           250, 248, 275, 253, 249])
    first = [(x.kind, x.text) for x in statements_for(s, CPP)]
    again = [(x.kind, x.text) for x in statements_for(Series(s.measure, s.area, tuple(reversed(s.observations))), CPP)]
    assert first == again


def test_duplicate_periods_are_refused():
    with pytest.raises(ValueError, match="two values for 2018-01"):
        timeline(series("cpp_count", "2018-01=1 2018-01=2"))


def test_small_count_change_is_a_number_not_a_percentage():
    s = months("2018-01", [4, 8])
    text = next(x.text for x in statements_for(s, CPP) if x.kind == "change")
    assert text.endswith("rose from 4 in January 2018 to 8 in February 2018, an increase of 4.")


def test_decimal_values_are_exact():
    s = months("2018-01", ["109.41", "109.44"], measure="lac_rate_per_10k")
    fact = rules.change(timeline(s, measure("lac_rate_per_10k")))
    assert fact.absolute_change == Decimal("0.03")
    text = statements_for(s, measure("lac_rate_per_10k"))[1].text
    assert "little changed from 109.4 in January 2018" in text


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(0, 3), st.integers(0, 3))
def test_benchmark_relation_is_the_order_of_the_published_figures(a, b, scale, decimals):
    from reportgen.metrics.formatting import round_half_up

    own, theirs = Decimal(a).scaleb(-scale), Decimal(b).scaleb(-scale)
    shown_own, shown_theirs = round_half_up(own, decimals), round_half_up(theirs, decimals)
    expected = "higher" if shown_own > shown_theirs else "lower" if shown_own < shown_theirs else "same"
    assert rules._relation(own, theirs, decimals) == expected


def test_as_of_typed_as_a_year_keeps_monthly_steps():
    from tests.metrics_series import period

    s = months("2017-11", [250, 245, 240, 235, 230, 225])
    fact = rules.streak(Timeline.of(s, CPP, period("2017/18")), OPTIONS)
    assert fact is not None and fact.unit == "month" and fact.period.text == "2018-03"


def test_a_percentage_is_compared_with_a_comparators_latest_published_figure_and_says_which():
    pct = measure("cpp_repeat_pct")
    own = series("cpp_repeat_pct", "2016/17=24 2017/18=29 2018-04/2018-08=26.8(30/112)", area="Harrowdale")
    england = series("cpp_repeat_pct", "2016=18 2017=18.7", area="England")
    neighbours = series("cpp_repeat_pct", "2016/17=20.4 2018-04/2018-08=21", area="Statistical neighbours")
    fact = rules.benchmark(timeline(own, pct), [england, neighbours])
    england_vs, neighbours_vs = fact.comparisons
    assert (england_vs.value, england_vs.period.text, england_vs.relation) == (Decimal("18.7"), "2017", "higher")
    assert neighbours_vs.value == Decimal(21) and neighbours_vs.period is None  # the same period: no fallback
    assert [(r.area, r.observation.period.text) for r in fact.sources] == [
        ("Harrowdale", "2018-04/2018-08"), ("England", "2017"), ("Statistical neighbours", "2018-04/2018-08")]


@pytest.mark.parametrize("why, own, other, options", [
    ("the latest is over two years old", "2018-04/2018-08=26.8", "2016=18.7", FactOptions()),
    ("the period's own figure is suppressed", "2017=27", "2016=18.7 2017=c", FactOptions()),
    ("a count is not a share", "2018-04/2018-08=26.8", "2017=18.7", FactOptions()),
    ("the comparators are ranked, not named", "2018-04/2018-08=26.8", "2017=18.7",
     FactOptions(max_named_comparators=0)),
    ("switched off", "2018-04/2018-08=26.8", "2017=18.7", FactOptions(latest_comparator_months=0)),
])
def test_no_latest_published_comparison_when(why, own, other, options):
    m = measure("cpp_count") if "count" in why else measure("cpp_repeat_pct")
    fact = rules.benchmark(timeline(series(m.id, own), m), [series(m.id, other, area="England")], options)
    assert fact is None, why


def test_a_year_to_date_is_compared_with_last_year_but_joins_no_run_of_years():
    pct = measure("cpp_repeat_pct")
    s = series("cpp_repeat_pct", "2013/14=31 2014/15=30 2015/16=29 2016/17=28 2017/18=27 2018-04/2018-08=20")
    facts = {f.kind: f for f in rules.facts_for(s, pct)}
    assert facts["change"].previous.period.text == "2017/18" and facts["change"].adjacent
    assert "streak" not in facts and "record" not in facts  # four falling years, then five months: no fifth fall
    assert timeline(s, pct).run == timeline(s, pct).observations[-1:]


def test_a_year_to_date_is_left_out_once_a_later_figure_covers_it():
    pct = measure("cpp_repeat_pct")
    s = series("cpp_repeat_pct", "2017/18=29 2018-04/2018-06=25 2018-04/2018-08=26.8 2018/19=28")
    assert [o.period.text for o in timeline(s, pct).observations] == ["2017/18", "2018/19"]
    change = rules.change(timeline(s, pct))
    assert (change.previous.period.text, change.adjacent) == ("2017/18", True)
    as_of_august = Timeline.of(s, pct, period("2018-04/2018-08"))
    assert [o.period.text for o in as_of_august.observations] == ["2017/18", "2018-04/2018-08"]


@pytest.mark.parametrize("data, as_of, target, found", [
    ("2018-01=250", "2018-02", "2018-02", False),           # a shorter month is still a month: February is missing
    ("2018-03=250", "2018-04", "2018-04", False),
    ("2018-Q1=250", "2018-05", "2018-Q1", True),             # quarters as at a month: the latest quarter by then
    ("2021/22=26", "2022-06", "2021/22", True),              # a year as at June: the latest year, named
    ("2018-04/2018-08=27", "2018-09", "2018-04/2018-08", True),
    ("2018-04/2018-08=27", "2019-06", "2018/19", False),     # a year to date once its year has ended: the year is due
])
def test_the_period_statements_are_about_as_at_a_shorter_period(data, as_of, target, found):
    """Without a publication lag in the contract."""
    no_lag = measure("cpp_repeat_pct", publication_lag_months=None)
    line = Timeline.of(series("cpp_repeat_pct", data), no_lag, period(as_of))
    assert line.target is not None and line.target.text == target
    assert (line.latest is not None) == found


@pytest.mark.parametrize("data, as_of, lag, target, found", [
    # The DfE publishes a year to March in November: as at June the year just ended is not due yet
    ("2020/21=21", "2022-06", 8, "2020/21", True),
    ("2020/21=21", "2022-11", 8, "2021/22", False),           # ... and as at November it is, and is missing
    ("2020/21=21 2021/22=26", "2022-11", 8, "2021/22", True),
    ("2020/21=21 2021/22=26", "2022-06", 8, "2021/22", True),   # a figure in before it was due is used
    ("2019/20=20", "2022-06", 8, "2020/21", False),           # a year missing for a year: the earliest one due
    ("2018-04/2018-08=27", "2019-05", 3, "2018-04/2018-08", True),  # the full year is due by June
    ("2018-04/2018-08=27", "2019-06", 3, "2018/19", False),
    ("2022-04=50", "2022-06", 1, "2022-05", False),           # a month published a month late: May is due
    ("2022-04=50 2022-05=51", "2022-06", 1, "2022-05", True),
    ("2022-04=50 2022-05=51 2022-06=52", "2022-06", 1, "2022-06", True),
    ("2022-04=50", "2022-06", 0, "2022-06", False),           # a lag of 0: the report's own month
])
def test_a_publication_lag_says_which_period_is_due_as_at_a_month(data, as_of, lag, target, found):
    line = Timeline.of(series("cpp_repeat_pct", data), measure("cpp_repeat_pct", publication_lag_months=lag),
                       period(as_of))
    assert line.target is not None and line.target.text == target
    assert (line.latest is not None) == found


def test_a_year_missing_once_due_is_reported_with_the_latest_published():
    m = measure("cpp_repeat_pct", publication_lag_months=8)
    made = statements_for(series("cpp_repeat_pct", "2019/20=20 2020/21=21"), m, as_of=period("2022-12"))
    assert [s.text for s in made] == [
        "The data has no figure for the percentage of child protection plans starting that were a second or "
        "subsequent plan in 2021/22; the most recent published figure is 21%, in 2020/21."]
