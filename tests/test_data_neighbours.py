"""Statistical-neighbour averages, checked against a hand computation from the published files."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from reportgen.data.contracts import load_contract
from reportgen.data.load import load_data
from reportgen.data.neighbours import NEIGHBOURS_AREA, neighbour_average
from reportgen.errors import DataError
from tests.conftest import SHARED_DATA

EES = SHARED_DATA / "ees"
SN = EES / "sn_model_2025_wide.csv"
D3 = EES / "d3_cpps_subsequent_plan_2013_to_2025.csv"
CLA = EES / "cla_number_and_rate_per_10k_children.csv"


@pytest.fixture(scope="module")
def dataset():
    return load_data([CLA, D3], load_contract(None), area="Gateshead")


def test_gateshead_repeat_plans_2025_by_hand(dataset):
    # sn_model_2025_wide.csv, Gateshead (390): 841 357 393 372 808 840 807 394 332 384.
    # d3 file, 2025, CPP_subsequent_percent of each:
    #   Darlington 20.2, Tameside 21.6, South Tyneside 32.6, Rotherham 27.7, Stockton-on-Tees 20,
    #   County Durham 21.2, Redcar and Cleveland 25.5, Sunderland 31, Dudley 27.6, Wakefield 22.7
    # sum 250.1 / 10 = 25.01 (one decimal more than the 1-decimal inputs: 25.01)
    series = neighbour_average(dataset, "cpp_repeat_pct", "Gateshead", SN)
    assert series.area == NEIGHBOURS_AREA == "Statistical neighbours"
    latest = series.observations[-1]
    assert latest.period.text == "2025"
    assert latest.value == Decimal("25.01")
    assert len(latest.sources) == 10
    assert {s.column for s in latest.sources} == {"CPP_subsequent_percent"}
    assert latest.source.file == str(SN) and latest.source.row == 45  # Gateshead's row of the model
    assert latest.numerator is None and latest.denominator is None  # a mean of rates, not a pooled rate


def test_gateshead_average_matches_an_independent_computation_for_every_year(dataset):
    with SN.open(encoding="utf-8-sig") as f:
        row = next(r for r in csv.DictReader(f) if r["la_name"] == "Gateshead")
    codes = [row[f"SN_{i}"] for i in range(1, 11)]
    with D3.open(encoding="utf-8-sig") as f:
        published = {(r["old_la_code"], r["time_period"]): r["CPP_subsequent_percent"] for r in csv.DictReader(f)
                     if r["geographic_level"] == "Local authority"}
    series = neighbour_average(dataset, "cpp_repeat_pct", "Gateshead", SN)
    for obs in series.observations:
        used = [Decimal(published[(c, obs.period.text)]) for c in codes
                if published.get((c, obs.period.text), "c") not in ("c", "x", "u", "z")]
        assert len(obs.sources) == len(used)
        assert abs(obs.value - sum(used) / len(used)) <= Decimal("0.005")


def test_a_suppressed_neighbour_is_left_out_and_counted(dataset):
    # Camden's neighbours in 2023 include Westminster (213), published as c: nine values are averaged.
    series = neighbour_average(dataset, "cpp_repeat_pct", "Camden", SN)
    year = next(o for o in series.observations if o.period.text == "2023")
    assert len(year.sources) == 9 and year.group_size == 10
    # the neighbour left out is kept beside the nine, with what its cell held, for the appendix to show
    assert [(area, o.suppressed) for area, o in year.parts if o.value is None] == [("Westminster", "c")]
    # 24 + 19.6 + 29.3 + 15 + 13.1 + 22 + 18.3 + 17.1 + 12.7 = 171.1; / 9 = 19.0111... -> 19.01
    assert year.value == Decimal("19.01")


def test_whole_number_rates_average_to_one_decimal(dataset):
    series = neighbour_average(dataset, "lac_rate_per_10k", "Gateshead", SN)
    latest = series.observations[-1]
    assert latest.period.text == "2025"
    assert latest.value.as_tuple().exponent == -1
    assert len(latest.sources) == 10


def test_unknown_council_in_the_model(dataset):
    with pytest.raises(DataError, match="no row for 'Gotham'"):
        neighbour_average(dataset, "cpp_repeat_pct", "Gotham", SN)
