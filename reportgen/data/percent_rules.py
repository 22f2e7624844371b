"""A percentage against its own numerator and denominator: the one data rule that needs a policy per source.

A statement prints both ("35% (30 of 112 plans started)"), so a council's
figure that disagrees with its own counts would be published contradicting
itself: that is an error. The DfE's published figures stand as published
(``reportgen.data.validate`` runs this after the cell rules): national and
regional counts are rounded to the nearest 10 while the percentages come
from the unrounded counts, and a percentage can leave out councils that did
not report, so in an EES file a disagreement is a warning.

Where the counts are exact and agree, the percentage is worked out from them
(``from_counts``): a published 31.5 for 154 of 489 is 31.49%, which a report
printing whole per cent must call 31%, not round the 31.5 again to 32%.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reportgen.data.read import ROW, each_unique

if TYPE_CHECKING:  # validate imports this module, so only for the type checker
    from reportgen.data.validate import Reporter

_AGREES = "percentage agrees with its numerator and denominator"

ROUNDED_TO_TEN_LEVELS = ("National", "Regional")
"""EES geographic levels whose counts the DfE rounds to the nearest 10, while computing
their percentages from the unrounded counts (1,240 of 4,540 is 27.31%, published as 27.2%)."""


def check_percentages_agree(frame: pd.DataFrame, errors: Reporter, cautions: Reporter,
                             percent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose percentage is not their numerator over their denominator: errors, or cautions in EES files.

    Returns the rows still fit to use, and the rows whose percentage is to be
    worked out from their counts: those that agree with exact counts (not
    rounded to the nearest 10). Rounding either way at the last place
    written is allowed (27 or 26.8 for 26.79; 26 or 27 for exactly 26.5),
    and for counts rounded to the nearest 10, any percentage the unrounded
    counts could give.
    """
    ok = np.ones(len(frame), dtype=bool)
    from_counts = np.zeros(len(frame), dtype=bool)
    rows = np.flatnonzero(percent & (frame["numerator"].to_numpy() != "") & (frame["denominator"].to_numpy() != ""))
    if not len(rows):  # most data: counts and rates, or percentages without their counts
        return ok, from_counts
    part = frame.iloc[rows]
    number, numerator, denominator = (pd.to_numeric(part[c], errors="coerce").to_numpy(dtype=float)
                                      for c in ("value", "numerator", "denominator"))
    places = each_unique(part["value"], lambda text: len(str(text).partition(".")[2]), int)
    tolerance = 0.5 * 10.0 ** -places + 1e-9
    rounded = part["level"].isin(ROUNDED_TO_TEN_LEVELS).to_numpy(dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = 100 * numerator / denominator
        low = np.where(rounded, 100 * np.maximum(numerator - 5, 0) / (denominator + 5), exact)
        high = np.where(rounded, 100 * np.minimum(numerator + 5, denominator + 5) / np.maximum(denominator - 5, 1),
                        exact)
    usable = ~np.isnan(number) & ~np.isnan(numerator) & ~np.isnan(denominator) & (denominator > 0)
    disagree = np.zeros(len(frame), dtype=bool)
    disagree[rows] = usable & ((number < low - tolerance) | (number > high + tolerance))
    from_counts[rows] = usable & ~rounded
    from_counts &= ~disagree
    if not disagree.any():
        return ok, from_counts
    said = pd.Series("", index=frame.index, dtype=object)
    for i in np.flatnonzero(disagree):
        parts = frame["numerator"].iat[i], frame["denominator"].iat[i]
        ratio = (Decimal(parts[0]) * 100 / Decimal(parts[1])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        said.iat[i] = (f"{frame['value'].iat[i]}% does not agree with its numerator and denominator: "
                       f"{parts[0]} of {parts[1]} is {ratio}%")
    ees = frame["ees"].to_numpy(dtype=bool)
    errors.cells(frame, disagree & ~ees, "value", _AGREES, lambda text: text, said)
    cautions.cells(frame, disagree & ees, "value", _AGREES, lambda text: f"{text}; the published percentage is used",
                   said)
    return ok & ~(disagree & ~ees), from_counts


FRACTION_RULE = "percentage written as a percentage"


def warn_of_fractions(clean: pd.DataFrame, percent: np.ndarray, cautions: Reporter) -> None:
    """A warning for a council's own percentage series whose every figure is 1 or less, and has no counts.

    An export from a database or Power BI often holds 0.78 for 78%, which
    would be published as "0.8%": a hundredth of the figure, with nothing
    to contradict it. With counts beside it, ``check_percentages_agree``
    already refuses it; without them, a series of two or more figures all
    from 0 to 1 (and not all 0) is far more often fractions than real
    percentages that small, so it is said once, at its first row.
    """
    mine = percent & ~clean["ees"].to_numpy(dtype=bool) & (clean["suppressed"].to_numpy() == "") \
        & (clean["numerator"].to_numpy() == "")
    if not mine.any():
        return
    part = clean.loc[mine, ["block", "measure", "area", "value", ROW]].copy()
    part["number"] = pd.to_numeric(part["value"], errors="coerce")
    first = np.zeros(len(clean), dtype=bool)
    said = pd.Series("", index=clean.index, dtype=object)
    for (_, measure, area), rows in part.groupby(["block", "measure", "area"], sort=False, observed=True):
        if len(rows) < 2 or rows["number"].max() > 1 or rows["number"].max() == 0:
            continue
        at = rows[ROW].idxmin()
        first[clean.index.get_loc(at)] = True
        shown = ", ".join([*rows.sort_values(ROW)["value"].head(3), *(["..."] if len(rows) > 3 else [])])
        said[at] = (f"every {measure} figure for {area} is from 0 to 1 ({shown}): a percentage is written "
                    f"as 78 or 78%, so these would be published as under 1%; if they are fractions (0.78 for "
                    f"78%), multiply them by 100")
    cautions.cells(clean, first, "value", FRACTION_RULE, lambda text: text, said)
