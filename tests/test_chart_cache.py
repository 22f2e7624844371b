"""The chart cache: a chart drawn once is not drawn again, and never stands in for a different one."""

from __future__ import annotations

import os

import pytest

from reportgen import chart_cache, charts
from reportgen.chart_data import chart_data
from reportgen.charts import trend_chart
from reportgen.style import load_style
from tests.metrics_series import measure, months

VALUES = [250, 260, 255, 270, 265, 280, 275, 290, 285, 300, 295, 310, 330]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def draws(monkeypatch):
    """How many times a chart was really drawn."""
    count = {"n": 0}
    real = charts._render

    def counting(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "_render", counting)
    return count


@pytest.fixture(scope="module")
def style():
    return load_style("default")


def draw(style, values=VALUES, raster=True, **kwargs):
    return trend_chart(months("2021-01", values), measure("cpp_count"), style, xmr=True, raster=raster, **kwargs)


def test_a_chart_drawn_once_comes_from_the_cache_the_same_to_the_byte(cache_dir, draws, style):
    first = draw(style)
    again = draw(style)
    assert draws["n"] == 1
    assert (again.svg, again.png, again.alt) == (first.svg, first.png, first.alt)
    assert sorted(p.suffix for p in (cache_dir / "charts").iterdir()) == [".png", ".svg"]
    assert (cache_dir / "charts").stat().st_mode & 0o077 == 0  # private to the user


@pytest.mark.parametrize("change", [
    {"values": [*VALUES[:-1], 331]},          # one figure
    {"title": "Another title"},
    {"periods": 12},                           # the window
    {"style": "kestrel-vale"},                 # the house style
])
def test_any_change_to_what_is_drawn_draws_it_again(cache_dir, draws, style, change):
    first = draw(style)
    changed = dict(change)
    other_style = load_style(changed.pop("style")) if "style" in changed else style
    second = draw(other_style, **changed)
    assert draws["n"] == 2 and second.svg != first.svg


def test_the_key_covers_the_code_libraries_and_fonts(style, monkeypatch):
    data = chart_data(months("2021-01", VALUES), measure("cpp_count"), xmr=True)
    key = chart_cache.chart_key(data, style, None, 16.0)
    monkeypatch.setattr(chart_cache, "_software", lambda: "another reportgen or matplotlib")
    assert chart_cache.chart_key(data, style, None, 16.0) != key
    monkeypatch.undo()
    monkeypatch.setattr(chart_cache.fingerprint, "content", lambda path: "another font file")
    assert chart_cache.chart_key(data, style, None, 16.0) != key


def test_an_svg_kept_without_its_png_is_drawn_again_when_word_needs_the_png(cache_dir, draws, style):
    assert draw(style, raster=False).png is None
    with_png = draw(style, raster=True)
    assert draws["n"] == 2 and with_png.png is not None
    draw(style, raster=True)
    draw(style, raster=False)
    assert draws["n"] == 2


def test_a_damaged_entry_is_drawn_again_and_replaced(cache_dir, draws, style):
    first = draw(style)
    for entry in (cache_dir / "charts").iterdir():
        entry.write_bytes(b"half a chart")
    assert draw(style).svg == first.svg and draws["n"] == 2
    assert draw(style).png == first.png and draws["n"] == 2


def test_a_folder_others_can_write_to_is_not_used(cache_dir, draws, style):
    (cache_dir / "charts").mkdir(parents=True)
    os.chmod(cache_dir / "charts", 0o777)  # anyone could plant an SVG here
    draw(style)
    draw(style)
    assert draws["n"] == 2 and not any((cache_dir / "charts").iterdir())


def test_turned_off_or_unwritable_it_draws_and_the_build_goes_on(tmp_path, monkeypatch, draws, style):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", "")
    draw(style)
    draw(style)
    assert draws["n"] == 2
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(blocked))
    assert draw(style).svg.startswith(b"<?xml") and draws["n"] == 3


def test_charts_not_used_for_half_a_year_are_deleted_when_a_new_one_is_kept(cache_dir, draws, style, monkeypatch):
    import time

    draw(style)
    charts_dir = cache_dir / "charts"
    kept = sorted(charts_dir.iterdir())
    old = time.time() - (chart_cache.KEEP_DAYS + 1) * 86400
    stale = charts_dir / ("0" * 64 + ".svg")
    stale.write_bytes(b"<?xml an old chart")
    os.utime(stale, (old, old))
    for entry in kept:  # last used long ago, but read again below: kept
        os.utime(entry, (old, old))
    draw(style)  # a hit marks it used
    assert all(entry.stat().st_mtime > old + 86400 for entry in kept)
    monkeypatch.setattr(chart_cache, "_pruned", set())
    draw(style, values=[*VALUES[:-1], 340])  # a new chart is kept: the stale one goes
    assert not stale.exists() and all(entry.exists() for entry in kept)
