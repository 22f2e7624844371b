"""XmR statistical process control, as NHS England's Making Data Count uses it.

An XmR chart separates ordinary month-to-month noise (common cause variation)
from a signal (special cause variation). Limits are the mean plus and minus
2.66 times the mean moving range, computed over a baseline (by default every
point). Three rules signal special cause here:

1. a single point beyond either limit (a spike or a dip);
2. seven or more consecutive points on one side of the mean (a shift); a
   point exactly on the mean ends the run;
3. seven or more consecutive points each higher (or each lower) than the one
   before (a trend); a point equal to the one before ends the run.

The functions take plain sequences of consecutive values (the caller cuts the
series at gaps) and use exact ``Decimal`` arithmetic, so charts (issue 4) and
statements agree on every limit to the last digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

SCALING = Decimal("2.66")
"""3 / d2 for subgroups of two (d2 = 1.128), as Making Data Count publishes it."""

RUN_LENGTH = 7


@dataclass(frozen=True)
class Limits:
    """Mean and process limits of a baseline of consecutive values."""

    mean: Decimal
    mean_moving_range: Decimal
    lower: Decimal
    upper: Decimal
    baseline: int
    """How many points (from the first) the limits were computed from."""

    def beyond(self, value: Decimal) -> Literal["high", "low"] | None:
        if value > self.upper:
            return "high"
        if value < self.lower:
            return "low"
        return None


def limits(values: Sequence[Decimal], baseline: int | None = None) -> Limits:
    """Limits from the first ``baseline`` values (all when None); needs two or more."""
    base = list(values if baseline is None else values[:baseline])
    if len(base) < 2:
        raise ValueError("XmR limits need at least two consecutive values")
    with localcontext() as ctx:
        ctx.prec = 28
        mean = sum(base, Decimal(0)) / len(base)
        moving = [abs(b - a) for a, b in zip(base, base[1:])]
        mr_bar = sum(moving, Decimal(0)) / len(moving)
        width = SCALING * mr_bar
        return Limits(mean, mr_bar, mean - width, mean + width, len(base))


def points_beyond(values: Sequence[Decimal], lim: Limits) -> list[int]:
    """Indices of values outside the limits (rule 1)."""
    return [i for i, v in enumerate(values) if lim.beyond(v) is not None]


def side_run_at_end(values: Sequence[Decimal], mean: Decimal) -> tuple[Literal["above", "below"] | None, int]:
    """Which side of the mean the last value is on, and for how many points in a row (rule 2)."""
    if not values or values[-1] == mean:
        return None, 0
    side: Literal["above", "below"] = "above" if values[-1] > mean else "below"
    length = 0
    for value in reversed(values):
        if (value > mean) != (side == "above") or value == mean:
            break
        length += 1
    return side, length


def trend_run_at_end(values: Sequence[Decimal]) -> tuple[Literal["rising", "falling"] | None, int]:
    """Points in the run of strictly rising (falling) values that ends at the last one (rule 3).

    Counted in points, as Making Data Count counts them: three rises make a run of four points.
    """
    if len(values) < 2 or values[-1] == values[-2]:
        return None, len(values[-1:])
    direction: Literal["rising", "falling"] = "rising" if values[-1] > values[-2] else "falling"
    points = 1
    for i in range(len(values) - 1, 0, -1):
        step = values[i] - values[i - 1]
        if step == 0 or (step > 0) != (direction == "rising"):
            break
        points += 1
    return direction, points


Side = Literal["high", "low"]


def special_cause_sides(values: Sequence[Decimal], lim: Limits, run: int = RUN_LENGTH) -> dict[int, Side]:
    """Each flagged point and which way its signal points: ``high`` (above a limit or the mean, rising) or ``low``.

    A point flagged by more than one rule takes the strongest rule's side:
    beyond a limit, then a shift, then a trend (a point below the mean in a
    rising trend is a rising signal only if nothing else flags it). Charts
    show the signal as improvement or concern by the measure's polarity.
    """
    flagged = _flagged(values, lim, run)
    sides: dict[int, Side] = {}
    for rule in ("trend", "shift", "beyond"):  # weakest first, so the strongest rule's side stands
        sides.update(flagged[rule])
    return dict(sorted(sides.items()))


def special_causes(values: Sequence[Decimal], lim: Limits, run: int = RUN_LENGTH) -> dict[str, list[int]]:
    """Every point flagged by each rule, for charts: ``{"beyond", "shift", "trend"}`` -> indices."""
    return {rule: sorted(points) for rule, points in _flagged(values, lim, run).items()}


def _flagged(values: Sequence[Decimal], lim: Limits, run: int) -> dict[str, dict[int, Side]]:
    """Per rule, each point it flags and the side of the signal."""
    beyond: dict[int, Side] = {i: "high" if values[i] > lim.upper else "low" for i in points_beyond(values, lim)}
    flagged: dict[str, dict[int, Side]] = {"beyond": beyond, "shift": {}, "trend": {}}
    for end in range(len(values)):
        mean_side, length = side_run_at_end(values[: end + 1], lim.mean)
        if mean_side is not None and length >= run:
            flagged["shift"].update(dict.fromkeys(range(end - length + 1, end + 1),
                                                  "high" if mean_side == "above" else "low"))
        direction, points = trend_run_at_end(values[: end + 1])
        if direction is not None and points >= run:
            flagged["trend"].update(dict.fromkeys(range(end - points + 1, end + 1),
                                                  "high" if direction == "rising" else "low"))
    return flagged
