"""The ``band`` rule: "has stayed within 4% of 250 since March 2017".

Analysts describe a steady series by a round centre and a tolerance, naming
the odd month that strayed (seed 003: "+/- 4% of 250 from March 2017 ...
where the number spiked to 275"). The rule does the same:

- centres are round numbers (two significant figures; whole percentages for
  percentages) close enough to the latest figure that it lies inside the band;
- tolerance is ``band_tolerance_pct`` of the centre for counts, rates and
  money, or ``band_tolerance_points`` percentage points for percentages;
- for each centre, the band reaches back as far as it can through the
  unbroken run of published figures, allowing at most ``band_max_exceptions``
  figures outside it and never more than one in six; it always starts and
  ends on a figure inside the band;
- a window that climbs or falls (an XmR trend, or a run of moves in one
  direction covering half of it) is no band: "stayed within" describes a level;
- the longest band wins (then fewer exceptions, then the centre nearest the
  band's mean, then the smaller centre), so the result never depends on order.

Counts below the measure's small-number threshold get no band: "within 5% of
7" says nothing a reader can use.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from reportgen.data.contracts import Unit
from reportgen.metrics.facts import DEFAULT_OPTIONS, Band, FactOptions
from reportgen.metrics.timeline import Timeline


def _centres(latest: Decimal, tolerance: Decimal, in_points: bool) -> list[Decimal]:
    """Round centres whose band contains ``latest``, smallest first."""
    if in_points:
        step = Decimal(1)
        low, high = latest - tolerance, latest + tolerance
    else:
        step = Decimal(1).scaleb(latest.adjusted() - 1)  # two significant figures
        with localcontext() as ctx:
            ctx.prec = 28
            low = latest / (1 + tolerance / 100)
            high = latest / (1 - tolerance / 100) if tolerance < 100 else latest * 2
    first = (low / step).to_integral_value(rounding=ROUND_CEILING)
    last = (high / step).to_integral_value(rounding=ROUND_FLOOR)
    count = int(last - first) + 1
    return [c for c in ((first + k) * step for k in range(max(count, 0))) if c > 0]


def _reach(values: list[Decimal], lower: Decimal, upper: Decimal, options: FactOptions) -> tuple[int, list[int]] | None:
    """Earliest start of a valid band ending at the last value, and its exceptions."""
    n = len(values)
    if not lower <= values[-1] <= upper:
        return None
    best, outside = n - 1, 0
    for i in range(n - 1, -1, -1):
        if lower <= values[i] <= upper:
            if outside <= (n - i) // 6:
                best = i
        else:
            outside += 1
            if outside > options.band_max_exceptions:
                break
    exceptions = [i for i in range(best, n) if not lower <= values[i] <= upper]
    return best, exceptions


def _trending(window: list[Decimal], options: FactOptions) -> bool:
    """A band describes a level, not a climb: refuse one whose longest run of moves in one
    direction is an XmR trend (``xmr_run_length`` points) or half its moves or more."""
    longest = run = 0
    previous_sign = 0
    for a, b in zip(window, window[1:]):
        sign = (b > a) - (b < a)
        run = run + 1 if sign != 0 and sign == previous_sign else (1 if sign != 0 else 0)
        previous_sign = sign
        longest = max(longest, run)
    moves = len(window) - 1
    return longest + 1 >= options.xmr_run_length or 2 * longest >= moves


def find_band(timeline: Timeline, options: FactOptions = DEFAULT_OPTIONS) -> Band | None:
    """The longest band of steadiness ending at the latest figure, if one is long enough."""
    run = timeline.run
    measure = timeline.measure
    if len(run) < options.band_min_periods:
        return None
    values = list(timeline.shown)  # as printed: a figure that prints outside the band is named as outside
    latest = values[-1]
    in_points = measure.unit is Unit.PERCENT
    if not in_points and (latest <= 0 or (measure.unit is Unit.COUNT and latest < measure.small_number_threshold)):
        return None
    tolerance = options.band_tolerance_points if in_points else options.band_tolerance_pct
    best: tuple[tuple[int, int, Decimal, Decimal], Decimal, Decimal, Decimal, int, list[int]] | None = None
    for centre in _centres(latest, tolerance, in_points):
        with localcontext() as ctx:
            ctx.prec = 28
            width = tolerance if in_points else centre * tolerance / 100
            reached = _reach(values, centre - width, centre + width, options)
            if reached is None:
                continue
            start, exceptions = reached
            if len(values) - start < options.band_min_periods:
                continue
            window = values[start:]
            if _trending(window, options):
                continue
            mean = sum(window, Decimal(0)) / len(window)
        key = (-(len(values) - start), len(exceptions), abs(centre - mean), centre)
        if best is None or key < best[0]:
            best = (key, centre, centre - width, centre + width, start, exceptions)
    if best is None:
        return None
    _, centre, lower, upper, start, exceptions = best
    # The figure before the band is a source too: "since May 2018" rests on April's being outside it.
    first_source = timeline.run_start + max(start - 1, 0)
    return Band(measure=measure.id, area=timeline.area, period=run[-1].period,
                sources=timeline.rows[first_source:], frequency=timeline.frequency,
                centre=centre, tolerance=tolerance, in_points=in_points, lower=lower, upper=upper,
                start=run[start].period, exceptions=tuple(run[i] for i in exceptions))
