"""How many decimal places a figure is printed to, so that what a report prints agrees with itself.

Facts are exact; sentences print figures rounded half up to the measure's
places. Rounded figures can contradict the sentence they sit in ("26%, up 5
percentage points from 22%" for 26.4% and 21.6%; "rose to 277, above its
usual range of 227 to 277" for a limit of 276.7), or the judgement beside it
("Stable" beside "an increase of 2%"). Each function here finds the fewest
places at which the printed figures agree, or the size of a change as it is
printed, for the sentences (``phrasing``), the charts' alt text and the
performance report's judgements alike.
"""

from __future__ import annotations

from decimal import Decimal

from reportgen.data.contracts import Measure, Unit
from reportgen.data.types import Observation
from reportgen.metrics.facts import Change, Shift, Spike
from reportgen.metrics.formatting import round_half_up

PERCENT_CHANGE_DECIMALS = 0
"""A change in per cent is printed to whole per cent ("an increase of 10%")."""


def change_as_printed(fact: Change, measure: Measure) -> Decimal | None:
    """How big the change's sentence says it is: percentage points for a percentage, else per cent.

    0 when the sentence says unchanged, little changed or "less than 1"; None
    when a change from zero has no percentage (the sentence gives the number).
    A judgement beside the sentence ("Stable") is made on this figure, so it
    cannot call "an increase of 2%" stable for being 1.5% exactly.
    """
    decimals = measure.decimals
    before, now = fact.previous.value or Decimal(0), fact.current.value or Decimal(0)
    if fact.absolute_change == 0 or round_half_up(before, decimals) == round_half_up(now, decimals):
        return Decimal(0)
    if fact.in_points:
        return abs(points_as_printed(fact.current, fact.previous,
                                     places_that_add_up(fact.current, fact.previous, decimals)))
    if fact.percent_change is None:
        return None
    return round_half_up(abs(fact.percent_change), PERCENT_CHANGE_DECIMALS)


def places_that_add_up(now: Observation, before: Observation, decimals: int) -> int:
    """The fewest decimal places, from the measure's own, at which two percentages and the change between
    them agree as printed.

    "26%, up 5 percentage points from 22%" is true of 26.4% and 21.6% (a
    change of 4.8 points) but reads as a mistake in a committee paper, so
    the sentence gives one more place: "26.4%, up 4.8 percentage points
    from 21.6%". The search stops at the places the figures were published
    to: a percentage worked out from its counts has endless places, and a
    sentence must not print more than its source did. There the change
    printed is the difference of the figures printed (``points_as_printed``),
    which is exact at that precision.
    """
    a, b = now.value or Decimal(0), before.value or Decimal(0)
    most = max(_published_places(now), _published_places(before), decimals)
    for places in range(decimals, most):
        if round_half_up(a, places) - round_half_up(b, places) == round_half_up(a - b, places):
            return places
    return most


def points_as_printed(now: Observation, before: Observation, places: int) -> Decimal:
    """The change in percentage points a sentence prints at ``places``: the difference of the printed figures."""
    return round_half_up(now.value or Decimal(0), places) - round_half_up(before.value or Decimal(0), places)


def _published_places(observation: Observation) -> int:
    published = observation.as_published
    return decimal_places(published) if published is not None else 0


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def usual_range(lower: Decimal, upper: Decimal, measure: Measure) -> tuple[Decimal, Decimal]:
    """XmR limits as a range a reader can have: no measure here is negative, no percentage over 100."""
    return max(lower, Decimal(0)), min(upper, Decimal(100)) if measure.unit is Unit.PERCENT else upper


def places_apart(value: Decimal, limit: Decimal, decimals: int, above: bool) -> tuple[int, int]:
    """Decimal places for the value and for the limits at which the value prints beyond the limit.

    "rose to 277, above its usual range of 227 to 277" is true of 277 and a
    limit of 276.7 but reads as a mistake, so the limits get one more place:
    "rose to 277, above its usual range of 227.5 to 276.7". The value keeps
    the measure's own places unless it too must show more (276.4 against 276.3).
    """
    def beyond(shown: Decimal, edge: Decimal) -> bool:
        return shown > edge if above else shown < edge

    own = round_half_up(value, decimals)
    for places in range(decimals, decimals + 12):
        edge = round_half_up(limit, places)
        if beyond(own, edge):
            return decimals, places
        if beyond(round_half_up(value, places), edge):
            return places, places
    return decimals + 12, decimals + 12  # pragma: no cover - a limit 10^-12 from the value


def spike_places(fact: Spike, measure: Measure) -> tuple[int, int]:
    """Places for a spike's figure and for its usual range, so every point it names prints beyond the limit."""
    lower, upper = usual_range(fact.lower_limit, fact.upper_limit, measure)
    high = fact.direction == "high"
    points = fact.beyond or (fact.observation,)
    places = [places_apart(point.value or Decimal(0), upper if high else lower, measure.decimals, high)
              for point in points]
    return max(value for value, _ in places), max(limit for _, limit in places)


def shift_places(fact: Shift, measure: Measure) -> int:
    """Places for a shift's average, so each figure of the run prints on its side of it."""
    run = [row.observation.value for row in fact.sources[-fact.length:] if row.observation.value is not None]
    return max((places_apart(value, fact.mean, measure.decimals, fact.side == "above")[1] for value in run),
               default=measure.decimals)
