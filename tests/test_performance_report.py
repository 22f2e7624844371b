"""The monthly performance report: judged by polarity, charted, tabled, and the same in every format."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import lxml.html
import pytest
import yaml

from reportgen import model as m
from reportgen import pipeline
from reportgen.data.contracts import load_contract
from reportgen.data.load import load_data
from reportgen.performance import MeasureSpec, direction, status, trend_table
from reportgen.report_data import measure_statements
from reportgen.spec import load_report_spec
from tests.conftest import REPO, pdf_to_text, soffice_convert

EXAMPLE = REPO / "examples" / "monthly-performance" / "report.yaml"
CONTRACT = load_contract(None)


def squash(text: str) -> str:
    return " ".join(text.split())


def dataset_from(tmp_path: Path, rows: list[str]):
    path = tmp_path / "data.csv"
    path.write_text("measure,area,period,value,numerator,denominator\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return load_data([path], CONTRACT, area="Harrowdale")


def monthly(measure: str, values: list[str], area: str = "Harrowdale") -> list[str]:
    return [f"{measure},{area},{2021 + i // 12}-{i % 12 + 1:02d},{v},," for i, v in enumerate(values)]


@pytest.mark.parametrize("measure, values, expected", [
    ("cpp_count", ["300"] * 11 + ["300", "250"], "improved"),       # lower is better: a fall improves
    ("cpp_count", ["250"] * 11 + ["250", "300"], "worsened"),
    ("care_leavers_in_education", ["60"] * 11 + ["60", "50"], "worsened"),  # higher is better: a fall worsens
    ("care_leavers_in_education", ["50"] * 11 + ["50", "60"], "improved"),
    ("lac_count", ["400"] * 11 + ["400", "450"], "changed"),         # neutral: never better or worse
    ("cpp_count", ["250"] * 11 + ["250", "251"], "stable"),          # under 2%
])
def test_direction_of_travel_is_judged_by_polarity(tmp_path, measure, values, expected):
    dataset = dataset_from(tmp_path, monthly(measure, values))
    _, made = measure_statements(dataset, CONTRACT.measure(measure))
    judged = direction(made, CONTRACT.measure(measure), Decimal(2))
    assert judged.judgement == expected
    assert judged.words.endswith(" compared with January 2021") and judged.symbol  # never colour alone


@pytest.mark.parametrize("values, stable_within, expected, printed", [
    (["1000", "1015"], "2", "worsened", "an increase of 2%"),        # 1.5% exactly, printed 2%: not stable
    (["1000", "1014"], "2", "stable", "an increase of 1%"),
    (["0", "5"], "2", "worsened", "rose from 0 in January 2021 to 5"),  # from zero there is no percentage
    (["40.02", "40.04"], "0", "stable", "little changed from 40.0"),  # a rate: nothing changes as printed
])
def test_direction_is_judged_on_the_change_as_its_sentence_prints_it(tmp_path, values, stable_within, expected,
                                                                       printed):
    measure = "cpp_count" if all(v.isdigit() for v in values) else "cpp_rate_per_10k"
    dataset = dataset_from(tmp_path, monthly(measure, values))
    _, made = measure_statements(dataset, CONTRACT.measure(measure))
    judged = direction(made, CONTRACT.measure(measure), Decimal(stable_within))
    assert judged.judgement == expected
    assert printed in judged.statement.text


def test_a_year_to_date_against_last_year_is_judged_and_says_so(tmp_path):
    rows = ["cpp_repeat_pct,Harrowdale,2017/18,29,81,279", "cpp_repeat_pct,Harrowdale,2018-04/2018-08,24,27,112"]
    _, made = measure_statements(dataset_from(tmp_path, rows), CONTRACT.measure("cpp_repeat_pct"))
    judged = direction(made, CONTRACT.measure("cpp_repeat_pct"), Decimal(2))
    assert (judged.judgement, judged.symbol) == ("improved", "↓")
    assert judged.words == "Improving compared with 2017/18 (year to date)"
    full_years = ["cpp_repeat_pct,Harrowdale,2016/17,29,81,279", "cpp_repeat_pct,Harrowdale,2017/18,24,27,112"]
    _, made = measure_statements(dataset_from(tmp_path, full_years), CONTRACT.measure("cpp_repeat_pct"))
    assert direction(made, CONTRACT.measure("cpp_repeat_pct"), Decimal(2)).words == "Improving compared with 2016/17"


def test_one_period_is_not_enough_for_a_trend(tmp_path):
    dataset = dataset_from(tmp_path, monthly("cpp_count", ["250"]))
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_count"))
    assert direction(made, CONTRACT.measure("cpp_count"), Decimal(2)).words == "Not enough data for a trend yet"


@pytest.mark.parametrize("target, latest, words", [
    ("250", "240", "On target"), ("250", "260", "Close to target"), ("250", "300", "Off target"),
])
def test_status_against_target_uses_polarity_and_words(tmp_path, target, latest, words):
    dataset = dataset_from(tmp_path, monthly("cpp_count", ["250", latest]))
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_count"))
    got = status(MeasureSpec(id="cpp_count", target=Decimal(target)), CONTRACT.measure("cpp_count"), made)
    assert got.words == words and got.symbol


@pytest.mark.parametrize("england, words", [
    ("cpp_repeat_pct,England,2021/22,19,,", "Worse than England"),
    # no England figure for the council's year: its latest, as the benchmark statement uses and names
    ("cpp_repeat_pct,England,2020/21,19,,", "Worse than England's 2020/21 figure"),
    ("cpp_repeat_pct,England,2017/18,19,,", "No England figure for 2021/22"),  # over two years old
])
def test_status_against_a_comparator(tmp_path, england, words):
    dataset = dataset_from(tmp_path, ["cpp_repeat_pct,Harrowdale,2021/22,27,30,112", england])
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_repeat_pct"))
    got = status(MeasureSpec(id="cpp_repeat_pct", compare_with="England"), CONTRACT.measure("cpp_repeat_pct"),
                 made)
    assert got.words == words and (got.level == "red") == words.startswith("Worse")


@pytest.mark.parametrize("own, england, words, sentence", [
    ("23.2", "23.4", "Same as England", "the same as England (23%)"),  # as published, not 0.2 points better
    ("23.4", "23.2", "Same as England", "the same as England (23%)"),  # nor 0.2 points worse
    ("23", "23", "Same as England", "the same as England (23%)"),
    ("22.4", "23.4", "Better than England", "lower than England (23%), which is better"),
    ("23.5", "23.4", "Slightly worse than England", "higher than England (23%), which is worse"),  # 24 against 23
    # worse by more than 5% of England's figure: 25 and 26 against 23 are 9% and 13% worse, not "slightly"
    ("24.5", "23.4", "Worse than England", "higher than England (23%), which is worse"),
    ("26.4", "22.7", "Worse than England", "higher than England (23%), which is worse"),  # Gateshead, 2021/22
])
def test_status_against_a_comparator_is_judged_on_the_figures_as_the_sentence_prints_them(tmp_path, own, england,
                                                                                          words, sentence):
    dataset = dataset_from(tmp_path, [f"cpp_repeat_pct,Harrowdale,2021/22,{own},,",
                                      f"cpp_repeat_pct,England,2021/22,{england},,"])
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_repeat_pct"))
    got = status(MeasureSpec(id="cpp_repeat_pct", compare_with="England"), CONTRACT.measure("cpp_repeat_pct"),
                 made)
    assert got.words == words and got.symbol
    assert sentence in next(s.text for s in made if s.kind == "benchmark")


def test_status_against_a_target_is_judged_on_the_figure_as_printed(tmp_path):
    dataset = dataset_from(tmp_path, ["cpp_rate_per_10k,Harrowdale,2022-03,40.04,,"])
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_rate_per_10k"))
    assert "was 40.0 in March 2022" in made[0].text
    got = status(MeasureSpec(id="cpp_rate_per_10k", target=Decimal(40)), CONTRACT.measure("cpp_rate_per_10k"), made)
    assert (got.level, got.words) == ("green", "On target")


def test_status_is_never_judged_on_an_older_figure_when_the_latest_is_suppressed(tmp_path):
    dataset = dataset_from(tmp_path, monthly("cpp_count", ["250", "240", "c"]))
    _, made = measure_statements(dataset, CONTRACT.measure("cpp_count"))
    got = status(MeasureSpec(id="cpp_count", target=Decimal(300)), CONTRACT.measure("cpp_count"), made)
    assert (got.level, got.words) == ("none", "No published figure for March 2021")
    travel = direction(made, CONTRACT.measure("cpp_count"), Decimal(2))  # not "not enough data": there is a gap
    assert (travel.judgement, travel.words) == ("unknown", "No published figure for March 2021")


def test_table_shows_suppressed_symbols_with_a_note_and_small_cohorts_as_counts(tmp_path):
    rows = [f"care_leavers_neet,Harrowdale,2021-{m:02d},{v}" for m, v in
            [(1, "40,16,40"), (2, "c,,"), (3, "58.3,7,12")]]
    table = trend_table(dataset_from(tmp_path, rows).series("care_leavers_neet"),
                        CONTRACT.measure("care_leavers_neet"), 13)
    figures = [row[1] for row in table.rows]
    assert figures == ["40%", "c", "7 of 12"]
    assert "c: suppressed to protect confidentiality" in table.notes
    assert any("the count is shown, not a percentage" in note for note in table.notes)
    assert "0" not in figures


def test_every_dash_in_the_table_is_explained_in_its_notes(tmp_path):
    """An audit found "–" under "Same period a year earlier" with nothing saying what it meant."""
    rows = [f"care_leavers_neet,Harrowdale,2021-{m:02d},{v}" for m, v in [(1, "40,16,40"), (2, "45,18,40")]]
    table = trend_table(dataset_from(tmp_path, rows).series("care_leavers_neet"),
                        CONTRACT.measure("care_leavers_neet"), 13)
    assert [row[2] for row in table.rows] == ["–", "–"]  # the data starts in January 2021
    assert table.notes == ["–: no figure published for that period"]


def test_table_names_a_year_to_date_and_drops_it_once_the_full_year_is_in(tmp_path):
    rows = ["cpp_repeat_pct,Harrowdale,2016/17,24,31,129", "cpp_repeat_pct,Harrowdale,2017/18,29,81,279",
            "cpp_repeat_pct,Harrowdale,2018-04/2018-08,26.8,30,112"]
    measure = CONTRACT.measure("cpp_repeat_pct")
    table = trend_table(dataset_from(tmp_path, rows).series("cpp_repeat_pct"), measure, 13)
    assert [row[:2] for row in table.rows] == [["2016/17", "24%"], ["2017/18", "29%"],
                                               ["April to August 2018", "27%"]]
    later = dataset_from(tmp_path, [*rows, "cpp_repeat_pct,Harrowdale,2018/19,28,84,300"])
    assert [row[0] for row in trend_table(later.series("cpp_repeat_pct"), measure, 13).rows] == [
        "2016/17", "2017/18", "2018/19"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return pipeline.build(EXAMPLE, tmp_path_factory.mktemp("perf"))


def test_example_has_a_chart_per_measure_with_alt_text_in_every_format(built):
    html = lxml.html.fromstring(built["html"].read_bytes())
    images = html.xpath("//figure/img")
    assert len(images) == 4
    for img in images:
        assert img.get("src").startswith("data:image/svg+xml")
        assert len(img.get("alt")) > 40 and "chart" in img.get("alt").lower()
    document = docx.Document(built["docx"])
    descr = [el.get("descr") for el in document.element.body.iter()
             if el.tag.endswith("}docPr")]
    assert [d for d in descr if d and "chart" in d.lower()] == [img.get("alt") for img in images]
    latest = "483" if "483" in images[0].get("alt") else None
    assert latest, "the alt text of the looked-after children chart names the latest figure"
    pdf = squash(pdf_to_text(built["pdf"]))
    word_captions = [squash(p.text) for p in document.paragraphs if p.style.name == "Caption"
                     and p.text.startswith("Figure")]
    html_captions = [squash(c.text_content()) for c in html.xpath("//figcaption")]
    assert word_captions == html_captions and len(html_captions) == 4
    for caption in html_captions:
        assert caption in pdf
    # each caption names every line its chart draws, not only the council's
    assert html_captions[1] == ("Figure 2: Children looked after per 10,000 children, Gateshead, with England, the "
                                "North East and statistical neighbours, and the usual range (XmR process limits)")
    assert html_captions[0].endswith("Children looked after, Gateshead, with the usual range (XmR process limits)")


@pytest.mark.client
def test_each_measure_s_table_of_recent_figures_is_on_one_page_in_pdf_and_in_word(built, tmp_path):
    html = lxml.html.fromstring(built["html"].read_bytes())
    tables = [(squash(t.xpath("caption")[0].text_content()), squash(" ".join(t.xpath("tbody/tr")[-1].itertext())))
              for t in html.xpath("//table[caption]") if "the last" in t.xpath("caption")[0].text_content()]
    assert len(tables) == 4 and tables[0][1] == "March 2022 483 440"
    for pdf in (built["pdf"], soffice_convert(built["docx"], tmp_path)):
        pages = [squash(page) for page in pdf_to_text(pdf).split("\f")]
        for caption, last_row in tables:
            page = next(page for page in pages if caption in page)
            assert last_row in page.split(caption, 1)[1], f"{pdf.name}: {caption!r} split across pages"


def test_example_summary_groups_measures_by_judgement(built):
    text = squash(pdf_to_text(built["pdf"]))
    summary = text.split("Summary", 1)[1].split("Recommendations", 1)[0]
    assert "Changed (context measures, neither better nor worse)" in summary
    assert "Children looked after" in summary


def test_measure_absent_from_the_data_is_named_before_any_output(tmp_path):
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["data"]["files"] = [str(EXAMPLE.parent / f) for f in spec["data"]["files"]]
    spec["data"]["neighbours"] = str(EXAMPLE.parent / spec["data"]["neighbours"])
    spec["performance"]["measures"].append({"id": "cin_count"})
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(path), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "cin_count not found in the data (gateshead_lac_monthly.csv" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_measure_with_one_period_still_builds_and_says_so(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("measure,area,period,value\ncpp_count,Harrowdale,2022-03,250\n"
                    "lac_count,Harrowdale,2022-02,400\nlac_count,Harrowdale,2022-03,410\n", encoding="utf-8")
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["data"] = {"files": [str(data)], "area": "Harrowdale", "as_of": "2022-03"}
    spec["performance"] = {"measures": [{"id": "cpp_count", "target": 260}, {"id": "lac_count"}]}
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    written = pipeline.build(path, tmp_path / "out", ["html", "docx"])
    html = lxml.html.fromstring(written["html"].read_bytes())
    full = squash(html.text_content())
    text = full.split("Children subject to a child protection plan Status", 1)[1]
    text = text.split("Children looked after Status")[0]
    assert "There is not yet enough data to show a trend for this measure." in text
    assert "Not enough data for a trend yet" in text
    assert "The number of children subject to a child protection plan was 250 in March 2022." in text
    assert "Figure 1" not in text and "usual range (XmR" not in text
    assert len(html.xpath("//figure")) == 1  # lac_count has two points: a chart
    caption = squash(html.xpath("//figcaption")[0].text_content())
    assert caption == "Figure 1: Children looked after, Harrowdale"  # too few points for a usual range to be drawn
    assert "XmR" not in squash(html.xpath("//figure//img/@alt")[0])
    word = squash("\n".join(p.text for p in docx.Document(written["docx"]).paragraphs))
    assert "There is not yet enough data to show a trend for this measure." in word


def test_a_pdf_only_build_draws_no_png_and_sets_chart_labels_in_the_house_font(tmp_path):
    import pikepdf

    document = pipeline.compose_spec(EXAMPLE, *load_report_spec(EXAMPLE, None), formats=("pdf",))
    figures = [b for b in m.walk(document.blocks) if isinstance(b, m.Figure)]
    assert len(figures) == 4 and all(f.image.raster_src is None for f in figures)
    built = pipeline.build(EXAMPLE, tmp_path, formats=("pdf",))
    assert set(built) == {"pdf"}
    fonts = subprocess.run(["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert names == {"Arial", "Arial-Bold"}, "chart labels use the body's embedded kit font, nothing else"
    assert all(" yes " in line for line in fonts.splitlines()[2:])
    # The chart's labels are text a reader can search, drawn inside the tagged Figure (its alt text is
    # what a screen reader reads).
    text = squash(pdf_to_text(built["pdf"]))
    assert "Number of children (axis does not start at zero)" in text
    with pikepdf.open(built["pdf"]) as pdf:
        for page in pdf.pages:
            stack: list[str] = []
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) in ("BDC", "BMC"):
                    stack.append(str(operands[0]))
                elif str(op) == "EMC":
                    stack.pop()
                elif str(op) == "Do" and str(operands[0]) in page.Resources.XObject \
                        and page.Resources.XObject[operands[0]].get("/Subtype") == "/Form":
                    assert "/Figure" in stack or "/Artifact" in stack


def test_a_report_as_at_a_past_month_shows_nothing_later_in_its_tables_charts_or_status(tmp_path):
    """Files that run past the report's month (annual DfE figures to a later year, say) must not put
    later figures in the tables and charts, nor judge the status on a year the statements never name."""
    data = tmp_path / "data.csv"
    rows = monthly("lac_count", [str(400 + i) for i in range(18)])  # January 2021 to June 2022
    rows += ["cpp_repeat_pct,Harrowdale,2020/21,20,20,100", "cpp_repeat_pct,England,2020/21,22,,",
             "cpp_repeat_pct,Harrowdale,2021/22,30,30,100", "cpp_repeat_pct,England,2021/22,23,,",
             "cpp_repeat_pct,Harrowdale,2022/23,18,18,100", "cpp_repeat_pct,England,2022/23,23,,",
             "lac_starting_count,Harrowdale,2022/23,50,,"]  # first published after the report's month
    data.write_text("measure,area,period,value,numerator,denominator\n" + "\n".join(rows) + "\n", encoding="utf-8")
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["data"] = {"files": [str(data)], "area": "Harrowdale", "as_of": "2022-03"}
    spec["performance"] = {"measures": [{"id": "lac_count"}, {"id": "cpp_repeat_pct", "compare_with": "England"},
                                        {"id": "lac_starting_count"}]}
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    written = pipeline.build(path, tmp_path / "out", ["html"])
    html = lxml.html.fromstring(written["html"].read_bytes())

    tables = {squash(t.xpath("./caption")[0].text_content()):
              [[squash(c.text_content()) for c in r.xpath("./th|./td")] for r in t.xpath(".//tbody/tr")]
              for t in html.xpath("//table[caption]")}
    monthly_rows = tables["Children looked after, Harrowdale: the last 13 figures"]
    assert monthly_rows[0][:2] == ["March 2021", "402"] and monthly_rows[-1] == ["March 2022", "414", "402"]
    annual = next(rows for caption, rows in tables.items() if caption.startswith("Child protection plans"))
    assert annual[-1] == ["2021/22", "30%", "20%"] and [row[0] for row in annual] == ["2020/21", "2021/22"]

    alts = [img.get("alt") for img in html.xpath("//figure/img")]
    assert "March 2022" in alts[0] and "June 2022" not in alts[0] and "2022/23" not in alts[1]
    text = squash(html.text_content())
    section = text.split("Child protection plans starting that were a second or subsequent plan Status", 1)[1]
    # 30% against England's 23% in 2021/22; judged on 2022/23 (18%) it would have been "Better than England".
    assert "Worse than England" in section.split("Direction of travel", 1)[0]
    assert "was 30% in 2021/22" in section
    # A measure with nothing published by then says so, without an empty table of "the last 0 figures".
    starting = text.split("Children starting to be looked after Status", 1)[1]
    assert "No published figure" in starting and "There is not yet enough data to show a trend" in starting
    assert "the last 0 figures" not in text
    assert len([caption for caption in tables if "the last" in caption]) == 2


def _changed_service_spec(tmp_path: Path, rebase: object) -> Path:
    """cpp_count for 37 months, the service changed in October 2020 (as test_metrics_xmr's CHANGED)."""
    values = [*[300, 310] * 9, *[380, 390] * 9, 430]
    data = tmp_path / "data.csv"
    data.write_text("measure,area,period,value\n" + "".join(
        f"cpp_count,Harrowdale,{2019 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d},{v}\n" for i, v in enumerate(values)),
        encoding="utf-8")
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["header"]["meeting_date"] = "2022-05-10"  # after April 2022, which the report is written as at
    spec["data"] = {"files": [str(data)], "area": "Harrowdale", "as_of": "2022-04", "xmr_rebase": rebase}
    spec["performance"] = {"measures": [{"id": "cpp_count"}], "periods": 37}
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_a_process_change_in_the_spec_rebases_the_statements_and_the_chart_alike(tmp_path):
    written = pipeline.build(_changed_service_spec(tmp_path, {"cpp_count": ["2020-10"]}), tmp_path / "out", ["html"])
    html = lxml.html.fromstring(written["html"].read_bytes())
    text = squash(html.text_content())
    assert "above its usual range of 356 to 418 (since October 2020)." in text
    assert "a sign of a real change" not in text  # the old process no longer makes a shift of the new one
    (alt,) = [img.get("alt") for img in html.xpath("//figure//img")]
    assert "process limits, worked out from October 2020, when the process changed, the usual range of 356 to 418" \
        in squash(alt)


@pytest.mark.parametrize("rebase, message", [
    ({"lac_count": ["2020-10"]}, "data.xmr_rebase: lac_count not in data.measures (cpp_count)"),
    ({"cpp_count": ["October"]}, "data.xmr_rebase"),
])
def test_a_wrong_process_change_is_named_by_its_field(tmp_path, rebase, message):
    path = _changed_service_spec(tmp_path, rebase)
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(path), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_as_of_in_the_title_and_prose_names_the_period_the_report_is_written_as_at(tmp_path):
    """A monthly run as at February must not send a report titled March (the spec's own month)."""
    written = pipeline.build(EXAMPLE, tmp_path, ["docx", "html"], period="2022-02")
    assert written["docx"].name == "childrens-social-care-performance-february-2022.docx"
    word = docx.Document(written["docx"])
    assert word.core_properties.title == "Children's social care performance: February 2022"
    assert "Children's social care performance: February 2022" in [p.text for p in word.paragraphs]
    text = squash(lxml.html.fromstring(written["html"].read_bytes()).text_content())
    assert "This report shows the figures for February 2022 for the measures" in text
    assert "[[" not in text and "March 2022" not in text.split("Recommendations")[0]


@pytest.mark.parametrize("change, field, message", [
    (lambda spec: spec["data"].pop("as_of"), "header.title",
     "[[as_of]] names the period the report is written as at, but the spec sets none"),
    (lambda spec: spec.pop("data") and spec.pop("performance") and spec.update(template="committee_report"),
     "header.title", "[[as_of]] names the period the report is written as at, but the spec has no data: section"),
])
def test_as_of_with_no_period_to_name_is_refused_by_its_field(tmp_path, change, field, message):
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["data"]["files"] = [str(EXAMPLE.parent / f) for f in spec["data"]["files"]]
    spec["data"]["neighbours"] = str(EXAMPLE.parent / spec["data"]["neighbours"])
    spec["summary"] = "Figures for the year."
    change(spec)
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(path), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and f"{field}: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_appendix_lists_every_row_an_average_is_taken_from_and_they_give_the_average(built):
    """"Statistical neighbours (21%)" rests on ten councils' rows: each is listed, as its file gives it."""
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(built["docx"]).tables]
    rows = next(t for t in tables if t[0] == ["Area", "Period", "Value", "Counts", "Source"])
    at = next(i for i, row in enumerate(rows) if row[0] == "Statistical neighbours")
    assert rows[at][1:] == ["2021/22", "21.49", "", "the mean of the 10 rows below"]  # as its sentence names it
    neighbours = rows[at + 1:at + 11]
    assert len({row[0] for row in neighbours}) == 10 and "Gateshead" not in {row[0] for row in neighbours}
    assert all(re.fullmatch(r"d3_cpps_subsequent_plan_2013_to_2025\.csv, row \d+", row[4]) for row in neighbours)
    mean = sum(Decimal(row[2]) for row in neighbours) / 10
    assert mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("21.49")
    for row in neighbours:  # each count pair gives its percentage, as the file does
        numerator, denominator = (Decimal(n) for n in row[3].split(" of "))
        assert abs(numerator / denominator * 100 - Decimal(row[2])) < Decimal("0.06")


def test_a_measure_is_named_once_and_then_called_it(built):
    """Six sentences in a row opened "The number of children looked after ..."."""
    html = lxml.html.fromstring(built["html"].read_bytes())
    sentences = [squash(p.text_content()) for p in html.xpath("//h2[@id='measure-lac_count']/following-sibling::p")]
    assert sentences[0] == "The number of children looked after was 483 in March 2022."
    assert sentences[1] == "It rose from 479 in February 2022 to 483 in March 2022, an increase of 1%."
    assert sentences[2].startswith("Compared with a year earlier, it rose from 440 in March 2021")
    assert not any(s.startswith("The number of children looked after") for s in sentences[1:5])
    word = squash(" ".join(p.text for p in docx.Document(built["docx"]).paragraphs))
    assert "It has risen for a seventh consecutive month." in word


def test_no_text_runs_past_the_right_margin(built):
    """The appendix's long file names pushed its table to 5 pt from the paper's edge, where a printer clips."""
    import pdfplumber

    with pdfplumber.open(built["pdf"]) as pdf:
        over = [(number, round(max(c["x1"] for c in page.chars)))
                for number, page in enumerate(pdf.pages, start=1)
                if page.chars and max(c["x1"] for c in page.chars) > page.width - 56]  # a 2 cm margin
    assert not over, f"pages with text past the margin (page, rightmost x): {over}"
