"""Trend charts: what a committee member sees (and hears, through alt text) is what the data says."""

from __future__ import annotations

import io
import logging
import math
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from reportgen.chart_data import chart_data, latest_label
from reportgen.charts import DPI, Chart, chart_alt_text, trend_chart
from reportgen.data.contracts import load_contract
from reportgen.data.load import load_data
from reportgen.data.types import Observation, Series
from reportgen.metrics.facts import FactOptions
from reportgen.metrics.statements import statements_for
from reportgen.resolver import read_resource
from reportgen.style import load_style
from tests.conftest import SHARED_DATA
from tests.metrics_series import measure, months, period, series

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def style():
    return load_style("default")


@pytest.fixture(scope="module")
def gateshead():
    return load_data([SHARED_DATA / "gateshead_lac_monthly.csv"], load_contract(None))


@pytest.fixture(scope="module")
def cpp_repeat():
    """Gateshead's repeat child protection plans with England and the North East, from the DfE's EES file."""
    data = load_data([SHARED_DATA / "ees" / "d3_cpps_subsequent_plan_2013_to_2025.csv"], load_contract(None),
                     area="Gateshead")
    own = data.series("cpp_repeat_pct")
    return own, [data.series("cpp_repeat_pct", a) for a in data.comparators("cpp_repeat_pct")]


def _draw(series_, measure_id, style, **kwargs):
    m = measure(measure_id)
    made = statements_for(series_, m, comparators=kwargs.get("comparators", ()))
    return trend_chart(series_, m, style, statements=made, **kwargs), made


def _council_path(svg: bytes) -> str:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "council-line")
    return next(group.iter(f"{SVG}path")).get("d")


# -- output formats ------------------------------------------------------------


def test_svg_text_is_text_in_the_house_font_and_the_lines_use_the_primary_colour(style, gateshead):
    chart, _ = _draw(gateshead.series("lac_count"), "lac_count", style, xmr=True)
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    texts = list(root.iter(f"{SVG}text"))
    words = ["".join(t.itertext()) for t in texts]
    assert "Number of children (axis does not start at zero)" in words and "Sept" in words
    # The house CSS family first (WeasyPrint has it as @font-face from the kit), then the kit's own name.
    families = {re.search(r"font-family: ([^;]+)", t.get("style")).group(1) for t in texts}
    assert families == {f"'{style.fonts.body.family}', 'Liberation Sans', sans-serif"}
    assert len(list(root.iter(f"{SVG}path"))) > 20
    assert style.colours.primary.lower() in chart.svg.decode().lower()
    assert b"Date" not in chart.svg and b"Matplotlib v" not in chart.svg


def test_the_png_for_word_is_drawn_only_when_asked_for(style, gateshead):
    with_png, _ = _draw(gateshead.series("lac_count"), "lac_count", style)
    without, _ = _draw(gateshead.series("lac_count"), "lac_count", style, raster=False)
    assert without.png is None and without.image().raster_src is None
    assert with_png.image().raster_src.startswith("data:image/png;base64,")
    assert without.svg == with_png.svg


def test_png_is_16_cm_at_200_dpi(style, gateshead):
    chart, _ = _draw(gateshead.series("lac_count"), "lac_count", style)
    image = Image.open(io.BytesIO(chart.png))
    image.load()
    assert image.format == "PNG"
    assert image.width == round(16 / 2.54 * DPI) == 1260
    assert 7.5 / 2.54 * DPI < image.height < 11 / 2.54 * DPI  # about half as high as wide
    assert image.info["dpi"][0] == pytest.approx(200, abs=0.01)
    assert not any(key.lower() in ("software", "creation time") for key in image.info)


def test_the_same_data_gives_byte_identical_files_different_data_does_not(style):
    s = months("2020-01", [250 + (i * 7) % 23 for i in range(24)])
    first, second = trend_chart(s, measure("cpp_count"), style, xmr=True), \
        trend_chart(s, measure("cpp_count"), style, xmr=True)
    assert first.svg == second.svg and first.png == second.png
    other = trend_chart(months("2020-01", [251 + (i * 7) % 23 for i in range(24)]), measure("cpp_count"), style)
    assert other.svg != first.svg


def test_the_same_bytes_in_a_fresh_process(style, tmp_path):
    """SVG ids come from a fixed salt, not from a random or hash-seeded source."""
    script = ("import sys, hashlib; from tests.metrics_series import months, measure\n"
              "from reportgen.style import load_style; from reportgen.charts import trend_chart\n"
              "c = trend_chart(months('2020-01', [250 + (i * 7) % 23 for i in range(24)]), measure('cpp_count'),"
              " load_style('default'), xmr=True)\n"
              "sys.stdout.write(hashlib.sha256(c.svg + c.png).hexdigest())")
    repo = Path(__file__).resolve().parents[1]
    digests = {subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


def test_image_carries_svg_for_pdf_and_html_png_for_word_and_the_alt_text(style, gateshead):
    chart, _ = _draw(gateshead.series("lac_count"), "lac_count", style)
    image = chart.image()
    assert read_resource(image.src) == (chart.svg, "image/svg+xml")
    assert read_resource(image.raster_src) == (chart.png, "image/png")
    assert image.alt == chart.alt and image.width_cm == 16.0
    assert chart.image(12).width_cm == 12


# -- what is plotted -----------------------------------------------------------


def test_a_suppressed_value_is_a_gap_in_the_line_never_zero(style):
    s = series("cpp_count", "2021-01=250 2021-02=244 2021-03=c 2021-04=251 2021-05=255 2021-06=260")
    data = chart_data(s, measure("cpp_count"))
    y = data.council.y
    assert math.isnan(y[2]) and 0 not in y
    assert [p.text for p in data.council.periods] == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05",
                                                       "2021-06"]
    chart = trend_chart(s, measure("cpp_count"), style)
    path = _council_path(chart.svg)
    assert path.count("M") == 2, "the line should break at March 2021 into two pieces"
    assert path.count("L") == 3  # January to February, then April to June
    assert data.gaps[0].period.text == "2021-03" and data.gaps[0].reason == "c"


def test_a_missing_period_breaks_the_line_and_gets_a_tick(style):
    s = series("cpp_count", "2021-01=250 2021-02=244 2021-04=251 2021-05=255")
    data = chart_data(s, measure("cpp_count"))
    assert [p.text if p else None for p in data.council.periods] == ["2021-01", "2021-02", None, "2021-04",
                                                                      "2021-05"]
    assert math.isnan(data.council.y[2])
    assert len(data.all_x) == 5  # March has a place on the axis
    assert [g.reason for g in data.gaps] == ["missing"]
    assert _council_path(trend_chart(s, measure("cpp_count"), style).svg).count("M") == 2


@pytest.mark.parametrize("cells", ["2021-03=missing", ""])  # a blank cell, and no row at all
def test_a_period_with_no_figure_is_explained_as_the_table_explains_it(style, cells):
    """An adopter's blank cell was labelled "not in the data" though its row was in the file."""
    s = series("cpp_count", f"2021-01=250 2021-02=244 {cells} 2021-04=251 2021-05=255")
    svg = trend_chart(s, measure("cpp_count"), style).svg.decode()
    assert "No figure published" in svg and "not in the data" not in svg


def test_non_finite_values_are_never_plotted(style):
    base = series("cpp_count", "2021-01=250 2021-02=244 2021-03=246")
    odd = Observation(base.observations[1].period, Decimal("Infinity"), base.observations[1].source)
    s = Series("cpp_count", "Trafford", (base.observations[0], odd, base.observations[2]))
    data = chart_data(s, measure("cpp_count"))
    assert math.isnan(data.council.y[1])
    assert all(math.isfinite(v) for v in data.y_range)
    Image.open(io.BytesIO(trend_chart(s, measure("cpp_count"), style).png)).load()


def test_one_period_is_still_drawn_as_a_point_and_the_alt_text_says_there_is_no_trend(style):
    s = series("cpp_count", "2021-01=250")
    chart, _ = _draw(s, "cpp_count", style)
    Image.open(io.BytesIO(chart.png)).load()
    data = chart_data(s, measure("cpp_count"))
    assert data.council.points() == [(float(s.observations[0].period.end.toordinal()), 250.0)]
    assert "not yet enough data for a trend" in chart.alt and "250" in chart.alt


def test_a_style_that_sets_only_its_own_colour_gets_no_other_councils_colour_for_comparators(style, cpp_repeat):
    """An adopter set primary alone and England was drawn in Harrowdale's blue, the old palette's first colour."""
    own, comparators = cpp_repeat
    colours = style.colours.model_copy(update={"primary": "#5b2c6f"})
    chart, _ = _draw(own, "cpp_repeat_pct", style.model_copy(update={"colours": colours}), comparators=comparators)
    svg = chart.svg.decode().lower()
    assert "#5b2c6f" in svg and "#005a8b" not in svg


def test_month_labels_are_shortened_as_ons_house_style_shortens_them():
    """"Jul" beside "Sept" mixed two styles: ONS shortens months to "Sept" but never June or July."""
    data = chart_data(months("2021-06", [250, 251, 252, 253, 254, 255]), measure("cpp_count"), axis_width_cm=30)
    assert [text.split("\n")[0] for _, text in data.ticks] == ["June", "July", "Aug", "Sept", "Oct", "Nov"]


def test_y_axis_starts_at_zero_unless_that_flattens_the_line(cpp_repeat, gateshead):
    own, comparators = cpp_repeat
    spread_out = chart_data(own, measure("cpp_repeat_pct"), comparators=comparators)
    assert spread_out.from_zero and spread_out.y_range[0] == 0 and spread_out.y_range[1] <= 100
    narrow = chart_data(gateshead.series("lac_count"), measure("lac_count"))  # 426 to 483 children
    assert not narrow.from_zero and 380 < narrow.y_range[0] < 426


def test_two_or_three_figures_are_drawn_from_zero_however_close_they_are():
    """180 then 201 children starting care, on an axis fitted to them, looked like a fivefold rise."""
    two = chart_data(series("lac_starting_count", "2021=180 2022=201", area="Gateshead"), measure("lac_starting_count"))
    assert two.from_zero and two.y_range[0] == 0 and two.y_range[1] >= 201
    four = chart_data(series("lac_starting_count", "2019=170 2020=175 2021=180 2022=201", area="Gateshead"),
                      measure("lac_starting_count"))
    assert not four.from_zero  # a trend to read: fitted, and the chart says the axis does not start at zero


def test_x_labels_are_en_gb_thinned_and_always_show_the_latest(gateshead, cpp_repeat):
    monthly = chart_data(gateshead.series("lac_count"), measure("lac_count"), axis_width_cm=13.5)
    labels = [text for _, text in monthly.ticks]
    assert labels[0] == "Mar\n2021" and labels[-1] == "Mar" and "Jan\n2022" in labels
    assert len(labels) <= 7 and monthly.ticks[-1][0] == monthly.all_x[-1]
    yearly = [text for _, text in chart_data(cpp_repeat[0], measure("cpp_repeat_pct")).ticks]
    assert yearly[-1] == "2024/25" and all(re.fullmatch(r"\d{4}/\d{2}", t) for t in yearly)
    long = chart_data(months("2016-04", [250] * 72), measure("cpp_count"))
    assert 5 <= len(long.ticks) <= 12


def test_xmr_special_cause_points_get_their_marker(style):
    quiet = [246, 262] * 6  # up and down around the mean: no shift or trend
    s = months("2021-01", [*quiet, 340])
    chart, made = _draw(s, "cpp_count", style, xmr=True)
    data = chart_data(s, measure("cpp_count"), xmr=True)
    assert data.xmr is not None
    assert [(p.period.text, p.signal) for p in data.xmr.special] == [("2022-01", "concern")]
    assert any(m.kind == "spike" for m in made)
    assert style.colours.concern.lower() in chart.svg.decode().lower()
    calm = trend_chart(months("2021-01", [*quiet, 250]), measure("cpp_count"), style, xmr=True)
    assert style.colours.concern.lower() not in calm.svg.decode().lower()
    assert "special cause of concern: January 2022" in chart.alt


@pytest.mark.parametrize("id_, last, signal, label", [
    ("cpp_count", 340, "concern", "Special cause: concern (XmR)"),       # fewer is better: a rise is bad news
    ("cpp_count", 150, "improvement", "Special cause: improvement (XmR)"),
    ("lac_count", 340, "neither", "Special cause (XmR)"),                # neutral: neither good nor bad
])
def test_special_causes_are_improvement_or_concern_by_polarity_in_colour_shape_and_words(style, id_, last, signal,
                                                                                          label):
    s = months("2021-01", [*[246, 262] * 6, last], measure=id_)
    data = chart_data(s, measure(id_), xmr=True)
    assert [p.signal for p in data.xmr.special] == [signal]
    chart, _ = _draw(s, id_, style, xmr=True)
    svg = chart.svg.decode()
    assert label in svg and sum(other in svg for other in ("Special cause: concern", "Special cause: improvement",
                                                           "Special cause (XmR)")) == 1
    colour = {"concern": style.colours.concern, "improvement": style.colours.improvement,
              "neither": style.colours.accent}[signal]
    assert colour.lower() in svg.lower()
    words = {"concern": "special cause of concern", "improvement": "special cause of improvement",
             "neither": "special cause: January 2022"}[signal]
    assert words in chart.alt


def test_a_point_flagged_by_several_rules_takes_the_strongest_rules_side():
    from reportgen.metrics import xmr

    values = [Decimal(v) for v in [100, 101, 102, 103, 104, 105, 106, 60]]  # a rising trend, then a fall below
    lim = xmr.limits(values)
    sides = xmr.special_cause_sides(values, lim, run=7)
    assert sides[7] == lim.beyond(values[7]) == "low"  # beyond the limit, whatever the trend before it
    assert all(sides[i] == "high" for i in range(7))


def test_xmr_limits_are_the_statements_limits(gateshead, style):
    s = gateshead.series("lac_count")
    chart, made = _draw(s, "lac_count", style, xmr=True)
    spike = next(m for m in made if m.kind == "spike")
    data = chart_data(s, measure("lac_count"), xmr=True)
    assert (data.xmr.limits.lower, data.xmr.limits.upper) == (spike.values["lower_limit"], spike.values["upper_limit"])
    assert "usual range of 429 to 464" in spike.text and "usual range of 429 to 464" in chart.alt


def test_a_rebased_process_has_its_limits_drawn_from_the_change_and_named_in_the_alt_text(style):
    s = months("2019-04", [*[300, 310] * 9, *[380, 390] * 9, 430])
    options = FactOptions(xmr_rebase=(period("2020-10"),))
    made = statements_for(s, measure("cpp_count"), options=options)
    spike = next(m for m in made if m.kind == "spike")
    chart = trend_chart(s, measure("cpp_count"), style, statements=made, xmr=True, periods=37, options=options)
    data = chart_data(s, measure("cpp_count"), xmr=True, periods=37, options=options)
    assert data.xmr is not None and data.xmr.since is not None and data.xmr.since.text == "2020-10"
    assert data.xmr.x_from == date(2020, 10, 31).toordinal()  # no limits over the old process
    assert (data.xmr.limits.lower, data.xmr.limits.upper) == (spike.values["lower_limit"], spike.values["upper_limit"])
    assert [p.period.text for p in data.xmr.special] == ["2022-04"]  # not the 18 months after the change
    assert ("process limits, worked out from October 2020, when the process changed, the usual range of "
            "356 to 418") in chart.alt
    assert data.xmr.change_x == (date(2020, 9, 30).toordinal() + date(2020, 10, 31).toordinal()) / 2
    assert "Process changed (XmR limits from here)" in chart.svg.decode()
    later = chart_data(s, measure("cpp_count"), xmr=True, periods=13, options=options)  # the change is off the chart
    assert later.xmr is not None and later.xmr.change_x is None and later.xmr.since is not None
    assert "Process changed" not in trend_chart(s, measure("cpp_count"), style, xmr=True, periods=13,
                                                options=options).svg.decode()


def test_the_alt_text_gives_the_limits_to_the_places_the_spike_sentence_needs(style):
    s = months("2021-01", [244, 258, 242, 248, 243, 255, 254, 255, 260, 252, 246, 243, 277])
    chart, made = _draw(s, "cpp_count", style, xmr=True)
    spike = next(m for m in made if m.kind == "spike")
    assert "usual range of 227.5 to 276.7" in spike.text and "usual range of 227.5 to 276.7" in chart.alt


def test_no_xmr_limits_from_too_few_points(style):
    assert chart_data(months("2021-01", [250, 260, 255, 270]), measure("cpp_count"), xmr=True).xmr is None


# -- alt text ------------------------------------------------------------------


def test_alt_text_states_the_latest_value_as_the_statements_do_and_the_trend(gateshead, style):
    s = gateshead.series("lac_count")
    chart, made = _draw(s, "lac_count", style, periods=13)
    latest = next(m for m in made if m.kind == "latest")
    assert "483 in March 2022" in latest.text and latest.text.removesuffix(".") in chart.alt
    assert chart.alt.startswith("Line chart of the number of children looked after in Harrowdale Borough Council, "
                                "monthly from March 2021 to March 2022.")
    assert "the highest since the series began in March 2021" in chart.alt
    assert "rose from 440 in March 2021 to 483 in March 2022, an increase of 10%" in chart.alt
    assert "chart" not in chart.alt.lower().replace("line chart", "").replace("the chart also", "")


def test_alt_text_names_comparators_with_their_figures(cpp_repeat, style):
    own, comparators = cpp_repeat
    chart, made = _draw(own, "cpp_repeat_pct", style, comparators=comparators, xmr=True)
    benchmark = next(m for m in made if m.kind == "benchmark")
    assert "with England and the North East for comparison" in chart.alt
    assert "England (25%)" in benchmark.text and "England (25%) and the North East (27%)" in chart.alt
    assert "21%" in chart.alt and "Gateshead" in chart.alt and "2012/13 to 2024/25" in chart.alt


def test_alt_text_gives_comparators_the_statements_cannot_compare(gateshead, style):
    """Monthly local figures beside England's annual one: no same-period benchmark, but the chart shows it."""
    england = series("lac_rate_per_10k", "2021=67.0 2022=70.0", area="England")
    s = gateshead.series("lac_rate_per_10k")
    alt = chart_alt_text(s, measure("lac_rate_per_10k"), statements_for(s, measure("lac_rate_per_10k")), [england])
    assert "England: 70.0 per 10,000 children in 2021/22." in alt


def test_alt_text_says_a_neighbours_average_is_of_the_neighbours_with_a_figure(gateshead, style):
    from dataclasses import replace

    from reportgen.data.types import SourceRef

    average = series("lac_rate_per_10k", "2021=95.0 2022=107.9", area="Statistical neighbours")
    last = replace(average.observations[-1], group_size=10,
                   sources=tuple(SourceRef("cla.csv", row, "rate_per_10000") for row in range(9)))
    average = replace(average, observations=(*average.observations[:-1], last))
    s = gateshead.series("lac_rate_per_10k")
    alt = chart_alt_text(s, measure("lac_rate_per_10k"), statements_for(s, measure("lac_rate_per_10k")), [average])
    assert ("Statistical neighbours: 107.9 per 10,000 children in 2021/22 (the average of the 9 of 10 with a "
            "published figure).") in alt


def test_alt_text_mentions_gaps(style):
    s = series("cpp_count", "2021-01=250 2021-02=244 2021-03=c 2021-04=251 2021-05=255 2021-06=260")
    chart, _ = _draw(s, "cpp_count", style)
    assert "No figure was published for March 2021 (suppressed to protect confidentiality)" in chart.alt
    assert "260 in June 2021" in chart.alt


# -- the charts people will print ----------------------------------------------


def test_the_gateshead_monthly_series_renders_in_well_under_a_second(gateshead, style, tmp_path):
    s = gateshead.series("lac_count")
    _draw(s, "lac_count", style)  # the first chart of a process pays for imports and font registration
    start = time.process_time()  # CPU time: other test workers share the machine
    chart, _ = _draw(s, "lac_count", style, xmr=True, periods=13)
    assert time.process_time() - start < 1.0
    assert isinstance(chart, Chart)
    (tmp_path / "gateshead_lac_count.png").write_bytes(chart.png)


def test_no_warnings_and_no_matplotlib_settings_leak(style, caplog, cpp_repeat):
    import matplotlib

    before = dict(matplotlib.rcParams)
    with caplog.at_level(logging.WARNING):
        own, comparators = cpp_repeat
        _draw(own, "cpp_repeat_pct", style, comparators=comparators, xmr=True, title="Repeat plans")
        _draw(series("cpp_count", "2021-01=250 2021-02=c 2021-03=.. 2021-04=251"), "cpp_count", style)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert dict(matplotlib.rcParams) == before


def test_charts_drawn_in_threads_are_identical(style):
    s = months("2020-01", [250 + (i * 5) % 17 for i in range(18)])
    expected = trend_chart(s, measure("cpp_count"), style, xmr=True)
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda _: trend_chart(s, measure("cpp_count"), style, xmr=True), range(6)))
    assert all(c.svg == expected.svg and c.png == expected.png for c in drawn)


def test_importing_charts_does_not_import_matplotlib():
    code = "import sys, reportgen.cli, reportgen.charts; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_a_small_cohort_is_labelled_with_its_count_as_the_statement_gives_it(style):
    s = series("cpp_repeat_pct", "2023=25(5/20) 2024=22.2(4/18) 2025=28.6(2/7)", area="Gateshead")
    chart, made = _draw(s, "cpp_repeat_pct", style)
    assert latest_label(chart_data(s, measure("cpp_repeat_pct"))) == "2 of 7"
    assert made[0].kind == "proportion" and "2 of 7" in made[0].text
    assert made[0].text in chart.alt and "28.6" not in chart.alt and "29%" not in chart.alt


def test_a_year_to_date_after_full_years_is_a_point_of_its_own_not_a_gap(style):
    s = series("cpp_repeat_pct", "2015/16=27 2016/17=24 2017/18=29 2018-04/2018-08=26.8(30/112)", area="Harrowdale")
    england = series("cpp_repeat_pct", "2016=18.7 2017=18.7", area="England")
    data = chart_data(s, measure("cpp_repeat_pct"), comparators=[england])
    assert [p.text if p else None for p in data.council.periods] == ["2015/16", "2016/17", "2017/18", None,
                                                                      "2018-04/2018-08"]
    assert data.gaps == ()  # nothing is missing: the line stops because five months are not a year
    assert data.ticks[-1][1] == "Apr–Aug\n2018"
    chart, _ = _draw(s, "cpp_repeat_pct", style, comparators=[england])
    path = _council_path(chart.svg)
    assert (path.count("M"), path.count("L")) == (2, 2), "three years joined; the part year a lone point"
    assert "yearly from 2015/16 to 2017/18 and a separate point for April to August 2018" in chart.alt
    assert "27%" in chart.alt


def test_the_alt_text_gives_the_mean_to_the_places_the_shift_sentence_needs(style):
    s = months("2021-01", [441, 443, 443, 445, 441, 440, 447, 445, 447, 448, 445, 449, 448], measure="lac_count")
    chart, made = _draw(s, "lac_count", style, xmr=True)
    assert "above its average of 444.8" in next(m.text for m in made if m.kind == "shift")
    assert "XmR mean (444.8)" in chart.alt
