"""Trend charts for reports: one series, its comparators and optional XmR limits, as SVG and PNG.

The chart stage of a report. ``chart_data`` decides what is plotted (gaps,
axis, labels); this module draws it in the house style with matplotlib;
``chart_alt`` writes the alt text from the same data and the statements.

House look (STYLE: colour is never the only signal):

- the council's line in ``colours.primary``, thick, round markers, its latest
  value labelled as the statements write it (``format_value``; a small
  cohort's percentage as its count, "7 of 12");
- comparators in the next colours of ``colours.chart_palette`` (Okabe-Ito,
  colour-blind safe), each with its own dash pattern and marker shape;
- XmR mean (solid) and process limits (dashed) in a muted grey; special-cause
  points ringed as Making Data Count colours them, and by shape as well as
  colour: concern a hollow diamond in ``colours.concern``, improvement a
  hollow circle in ``colours.improvement``, and for a measure with no better
  direction a hollow diamond in ``colours.accent``; a change of process the
  spec names (``xmr_rebase``) is a dotted vertical line, the limits starting
  after it;
- the legend below the plot, never over data; light horizontal gridlines in
  ``colours.rule``; no top or right spines; the unit above the y axis;
- Liberation Sans from the style's font kit, at 10 pt (9.5 pt for the
  legend) when printed 16 cm wide, as it is at ``Chart.image()``'s default.

SVG text stays text (``svg.fonttype: none``), named by the house CSS
family first and then the kit's own family: WeasyPrint sets it with the
same bundled font as the body (the house CSS declares it), a browser with
Arial or its metric twin Liberation Sans, so labels keep their measured
widths. Glyphs as paths looked the same but cost WeasyPrint a path parse
per letter (about half of the performance report's PDF time), and text
lets a reader search and copy the figures. The PNG for Word is drawn only
when the document will be written to Word, from the same laid-out figure.

Output is reproducible: SVG ids come from a fixed hash salt and no date
or version is written, so the same data gives byte-identical files and
incremental builds skip unchanged charts. matplotlib is imported only when
a chart is drawn (``reportgen --help`` never loads it), and drawing holds a
lock and a private ``rc_context`` from matplotlib's defaults, so charts
drawn from several threads cannot disturb each other or the caller's
settings. A chart drawn before, from the same data, style, code and
libraries, comes from the chart cache (``chart_cache``) without importing
matplotlib at all.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import chart_cache, model
from reportgen.chart_alt import chart_alt_text
from reportgen.chart_data import ChartData, Line, chart_data, latest_label
from reportgen.data.contracts import Measure, Unit
from reportgen.data.types import Series
from reportgen.metrics.facts import DEFAULT_OPTIONS, FactOptions
from reportgen.metrics.formatting import format_number
from reportgen.style import HouseStyle

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from reportgen.metrics.statements import Statement

__all__ = ["Chart", "chart_alt_text", "trend_chart"]

DPI = 200
"""PNG resolution for Word: sharp when printed, about 1,260 pixels across at 16 cm."""
WIDTH_CM = 16.0
HEIGHT_CM = 8.5
FONT_PT = 10.0
SMALL_PT = 9.5
"""Legend and unit label; the smallest text on a chart (9 pt is the floor for print)."""
SVG_HASH_SALT = "reportgen-chart"

_COUNCIL_WIDTH = 2.6
_COMPARATOR_WIDTH = 1.6
_DASHES: tuple[Any, ...] = ((0, (5, 2)), (0, (6, 2, 1.5, 2)), (0, (1.2, 1.6)), (0, (9, 2, 2, 2, 2, 2)), (0, (3, 3)))
_MARKERS = ("s", "^", "v", "P", "X")

_LOCK = threading.RLock()


@dataclass(frozen=True)
class Chart:
    """A drawn chart: vector for PDF and HTML, a high-resolution PNG for Word, and its alt text."""

    svg: bytes
    png: bytes | None
    """None when drawn with ``raster=False`` (no Word version to make)."""
    alt: str
    """What the chart shows, for someone who cannot see it (never just "chart")."""
    width_cm: float = WIDTH_CM
    """The width it was drawn for: at this width its text is the intended size."""
    compared_with: tuple[str, ...] = ()
    """The comparators drawn beside the council, as the data names them ("England", "North East")."""
    with_limits: bool = False
    """Whether the XmR mean and process limits are drawn: asked for, and enough points for them."""

    def image(self, width_cm: float | None = None) -> model.Image:
        """The chart as a document image: ``src`` the SVG, ``raster_src`` the PNG (if drawn), as data: URIs."""
        return model.Image(
            src=_data_uri(self.svg, "image/svg+xml"),
            alt=self.alt,
            width_cm=self.width_cm if width_cm is None else width_cm,
            raster_src=_data_uri(self.png, "image/png") if self.png is not None else None,
        )


def trend_chart(
    series: Series,
    measure: Measure,
    style: HouseStyle,
    *,
    comparators: Sequence[Series] = (),
    statements: Sequence[Statement] = (),
    xmr: bool = False,
    periods: int | None = None,
    title: str | None = None,
    options: FactOptions = DEFAULT_OPTIONS,
    width_cm: float = WIDTH_CM,
    raster: bool = True,
) -> Chart:
    """Draw ``series`` (its last ``periods`` periods) with ``comparators`` over the same span.

    ``statements`` are those the report prints for the series; the alt text
    quotes them, so it states the same figures. ``xmr`` adds the mean and
    process limits the statements' spike and shift rules use (``options``).
    A single period is drawn as a single point. ``raster=False`` skips the
    PNG copy only Word needs (PDF and HTML use the SVG).
    """
    data = chart_data(series, measure, comparators=comparators, xmr=xmr, periods=periods, options=options,
                      number_style=style.numbers, council=style.council,
                      axis_width_cm=width_cm - 2.5, label_pt=FONT_PT)
    key = chart_cache.chart_key(data, style, title, width_cm)
    svg, png = chart_cache.drawn(key, raster, lambda: _render(data, style, title, width_cm, raster))
    alt = chart_alt_text(series, measure, statements, comparators, data=data, number_style=style.numbers)
    return Chart(svg, png, alt, width_cm, tuple(line.area for line in data.comparators), data.xmr is not None)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# -- drawing -----------------------------------------------------------------


@cache
def _font_family(files: tuple[Path, ...]) -> str:
    """Register the style's TTFs with matplotlib once per process; the family name they give."""
    from matplotlib import font_manager

    with _LOCK:
        for file in files:
            font_manager.fontManager.addfont(str(file))
        return str(font_manager.FontProperties(fname=str(files[0])).get_name())


def _rc(family: str, style: HouseStyle) -> dict[Any, Any]:  # matplotlib types keys as a Literal of every rcParam
    return {
        "font.family": [family], "font.size": FONT_PT, "text.color": style.colours.text,
        "axes.labelcolor": style.colours.text, "xtick.color": style.colours.text,
        "ytick.color": style.colours.text, "axes.unicode_minus": False,
        "svg.fonttype": "none", "svg.hashsalt": SVG_HASH_SALT, "path.simplify": False,
        "mathtext.fontset": "custom", "mathtext.default": "regular",
        **{f"mathtext.{face}": family for face in ("rm", "it", "bf", "sf", "tt", "cal")},
    }


def _render(data: ChartData, style: HouseStyle, title: str | None, width_cm: float,
            raster: bool) -> tuple[bytes, bytes | None]:
    import matplotlib

    files = style.fonts.body.files()
    family = _font_family(tuple(files[face] for face in ("Regular", "Bold") if face in files))
    png = None
    with _LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()  # the caller's matplotlibrc never changes a report's charts
        with matplotlib.rc_context(_rc(family, style)):
            figure = _draw(data, style, title, width_cm)
            svg = io.BytesIO()
            figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": "reportgen"})
            if raster:
                # The layout is settled by the SVG's draw; running constrained layout
                # again for the PNG would only repeat it (half the PNG's cost).
                figure.set_layout_engine("none")
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
                png = buffer.getvalue()
    return _house_family(svg.getvalue(), family, style.fonts.body.family), png


def _house_family(svg: bytes, kit_family: str, house_family: str) -> bytes:
    """Name the house CSS family before the kit's in the SVG's text (see the module docstring)."""
    names = ", ".join(dict.fromkeys(f"'{name}'" for name in (house_family, kit_family))) + ", sans-serif"
    return svg.replace(f"font-family: '{kit_family}'".encode(), f"font-family: {names}".encode())


def _inches(cm: float) -> float:
    """``cm`` in inches, rounded to whole pixels at ``DPI`` so the PNG is exactly as wide as asked."""
    return round(cm / 2.54 * DPI) / DPI


def _draw(data: ChartData, style: HouseStyle, title: str | None, width_cm: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_inches(width_cm), _inches(HEIGHT_CM)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    colours = style.colours
    _frame(ax, data, style, width_cm)
    handles = []
    others = [c for c in colours.chart_palette if c.lower() != colours.primary.lower()] or [colours.accent]
    for i, line in enumerate(data.comparators):
        handles.append(_plot(ax, line, others[i % len(others)], _COMPARATOR_WIDTH, _DASHES[i % len(_DASHES)],
                             _MARKERS[i % len(_MARKERS)], 5.5, zorder=3))
    council = _plot(ax, data.council, colours.primary, _COUNCIL_WIDTH, "-", "o", 6.0, zorder=5)
    council.set_gid("council-line")
    handles.insert(0, council)
    handles += _draw_xmr(ax, data, style)
    handles += _mark_gaps(ax, data, style)
    _label_latest(ax, data, style)
    if title:
        figure.suptitle(title, x=0.01, ha="left", fontsize=FONT_PT + 1, fontweight="bold", color=colours.text)
    rows = 0
    if len(handles) > 1:
        columns = _legend_columns([h.get_label() for h in handles], width_cm)
        rows = -(-len(handles) // columns)
        figure.legend(handles=handles, loc="outside lower center", ncol=columns, frameon=False,
                      fontsize=SMALL_PT, handlelength=3.2, columnspacing=1.6)
    height = HEIGHT_CM + (0.8 if title else 0.0) + 0.45 * max(0, rows - 2) - (0.6 if rows == 0 else 0.0)
    figure.set_size_inches(_inches(width_cm), _inches(height))
    return figure


def _frame(ax: Axes, data: ChartData, style: HouseStyle, width_cm: float) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    colours = style.colours
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(colours.text)
    ax.spines["bottom"].set_linewidth(0.8)
    left, right = data.x_range
    label = latest_label(data)
    if label:  # room right of the last point for its label
        room = len(label) * 0.62 * FONT_PT / 72 * 2.54 + 0.5
        share = min(room / (width_cm - 2.5), 0.5)
        last = data.council.points()[-1][0]
        right = max(right, last + share / (1 - share) * (last - left))
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(FixedLocator([x for x, _ in data.ticks]))
    ax.set_xticklabels([text for _, text in data.ticks])
    ax.xaxis.set_minor_locator(FixedLocator(list(data.all_x)))
    ax.tick_params(axis="x", which="major", length=4, width=0.8, color=colours.text, labelsize=FONT_PT)
    ax.tick_params(axis="x", which="minor", length=2, width=0.6, color=colours.rule)
    counts = data.measure.unit is Unit.COUNT and data.measure.decimals == 0
    low, high = data.y_range
    locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=counts)
    ticks = [t for t in locator.tick_values(low, high)]
    bottom = 0.0 if data.from_zero else max((t for t in ticks if t <= low), default=low)
    top = min((t for t in ticks if t >= high), default=high)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(FixedLocator([t for t in ticks if bottom <= t <= top]))
    decimals = _tick_decimals([t for t in ticks if bottom <= t <= top])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick_text(v, data.measure, decimals)))
    ax.tick_params(axis="y", length=0, labelsize=FONT_PT, pad=4)
    ax.grid(axis="y", color=colours.rule, linewidth=0.6, alpha=0.55)
    ax.set_axisbelow(True)
    unit = _unit_label(data.measure) + ("" if data.from_zero else " (axis does not start at zero)")
    ax.set_title(unit, loc="left", fontsize=SMALL_PT, color=colours.text, pad=8)


def _tick_decimals(ticks: Sequence[float]) -> int:
    for decimals in range(4):
        if all(abs(t * 10**decimals - round(t * 10**decimals)) < 1e-6 for t in ticks):
            return decimals
    return 3


def _tick_text(value: float, measure: Measure, decimals: int) -> str:
    text = format_number(Decimal(repr(round(float(value), decimals))), decimals)
    if measure.unit is Unit.PERCENT:
        return f"{text}%"
    return f"£{text}" if measure.unit is Unit.MONEY else text


def _unit_label(measure: Measure) -> str:
    if measure.unit is Unit.PERCENT:
        return f"Percentage of {measure.percent_of}" if measure.percent_of else "Percentage"
    if measure.unit is Unit.RATE_PER_10K:
        return f"Rate per 10,000 {measure.counts}"
    if measure.unit is Unit.MONEY:
        return "Pounds (£)"
    return f"Number of {measure.counts}"


def _plot(ax: Axes, line: Line, colour: str, width: float, dashes: Any, marker: str, size: float,
          *, zorder: int) -> Any:
    (artist,) = ax.plot(line.x, line.y, color=colour, linewidth=width, linestyle=dashes, marker=marker,
                        markersize=size, markerfacecolor=colour, markeredgecolor="white", markeredgewidth=0.8,
                        label=line.label, zorder=zorder, solid_capstyle="round", clip_on=False)
    return artist


def _muted(style: HouseStyle) -> str:
    """The text colour mixed halfway with white: quiet, but darker than the gridlines."""
    text = style.colours.text.lstrip("#")
    mixed = [round(int(text[i:i + 2], 16) * 0.55 + 255 * 0.45) for i in (0, 2, 4)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _draw_xmr(ax: Axes, data: ChartData, style: HouseStyle) -> list[Any]:
    layer = data.xmr
    if layer is None:
        return []
    muted = _muted(style)
    span = [layer.x_from, layer.x_to]
    mean = float(layer.limits.mean)
    handles = ax.plot(span, [mean, mean], color=muted, linewidth=1.1, zorder=2, label="Mean (XmR)")
    limits = [float(v) for v, shown in ((layer.limits.upper, layer.show_upper),
                                        (layer.limits.lower, layer.show_lower)) if shown]
    drawn = [ax.plot(span, [v, v], color=muted, linewidth=1.1, linestyle=(0, (4, 2.5)), zorder=2,
                     label="Process limits (XmR)")[0] for v in limits]
    handles += drawn[:1]
    if layer.change_x is not None:
        handles.append(ax.axvline(layer.change_x, color=muted, linewidth=1.1, linestyle=(0, (1, 2)), zorder=2,
                                  label="Process changed (XmR limits from here)"))
    for signal, (marker, size, colour, label) in _signals(style).items():
        points = [p for p in layer.special if p.signal == signal]
        if points:
            (ring,) = ax.plot([p.x for p in points], [p.y for p in points], linestyle="none", marker=marker,
                              markersize=size, markerfacecolor="none", markeredgecolor=colour,
                              markeredgewidth=1.5, zorder=6, label=label, clip_on=False)
            handles.append(ring)
    return handles


def _signals(style: HouseStyle) -> dict[str, tuple[str, float, str, str]]:
    """Marker, size, colour and legend label of each kind of special cause, in legend order."""
    return {"concern": ("D", 10, style.colours.concern, "Special cause: concern (XmR)"),
            "improvement": ("o", 12, style.colours.improvement, "Special cause: improvement (XmR)"),
            "neither": ("D", 10, style.colours.accent, "Special cause (XmR)")}


def _label_latest(ax: Axes, data: ChartData, style: HouseStyle) -> None:
    """The council's latest published value to the right of its point, where nothing else is drawn."""
    from matplotlib import patheffects

    label = latest_label(data)
    if not label:
        return
    x, y = data.council.points()[-1]
    ax.annotate(label, (x, y), xytext=(10, 0), textcoords="offset points",
                ha="left", va="center", fontsize=FONT_PT, fontweight="bold", color=style.colours.text, zorder=7,
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])


_GAP_WORDS = {"c": "suppressed", "z": "not applicable", "x": "not available", "k": "below 0.5",
              "u": "low reliability", "low": "small number", "..": "not published", "not finite": "not a number"}
"""Why a period has no point, after "No figure: "; ``missing`` (a blank cell, or no row) is
"No figure published", as the table's note says it."""


def _gap_symbol(reason: str) -> str:
    """The symbol the table prints for a gap: the suppression symbol, or an en dash for no figure."""
    return reason if reason in _GAP_WORDS and reason != "not finite" else "–"


def _gap_label(reason: str) -> str:
    return f"No figure: {_GAP_WORDS[reason]}" if reason in _GAP_WORDS else "No figure published"


def _mark_gaps(ax: Axes, data: ChartData, style: HouseStyle) -> list[Any]:
    """Each gap's symbol just above the x axis, so a break in the line is never unexplained."""
    by_reason: dict[str, list[float]] = {}
    for gap in data.gaps:
        by_reason.setdefault(gap.reason, []).append(float(gap.period.end.toordinal()))
    handles = []
    for reason, xs in sorted(by_reason.items()):
        symbol = _gap_symbol(reason).replace(".", r".\!")
        (marks,) = ax.plot(xs, [0.05] * len(xs), transform=ax.get_xaxis_transform(), linestyle="none",
                           marker=f"${symbol}$", markersize=7 if len(symbol) == 1 else 12, markeredgewidth=0,
                           color=_muted(style), label=_gap_label(reason), zorder=4, clip_on=False)
        handles.append(marks)
    return handles


def _legend_columns(labels: Sequence[str], width_cm: float) -> int:
    """The most columns whose estimated width fits the chart (matplotlib fills columns first)."""
    widths = [(len(label) * 0.55 + 3.2 + 1.6 + 0.8) * SMALL_PT / 72 * 2.54 for label in labels]
    for columns in range(len(widths), 1, -1):
        rows, long = divmod(len(widths), columns)  # as matplotlib splits entries into columns
        sizes = [rows + 1] * long + [rows] * (columns - long)
        starts = [sum(sizes[:c]) for c in range(columns)]
        if sum(max(widths[a:a + n], default=0) for a, n in zip(starts, sizes)) <= width_cm - 1.0:
            return columns
    return 1
