"""Word table column widths: by how much each column says, never narrower than its longest word.

A layout decision of its own, apart from writing the table: Word does not
size columns to their content the way a browser does, so the writer gives
each column a width (``w:gridCol``) worked out here.
"""

from __future__ import annotations

import re

from reportgen import model as m

_BREAKABLE_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
"""A hyphen between two letters, where Word may break a word."""

FIRST_COLUMN_SHARE = {"implications": 0.4}
"""Table role -> share of the width its row-header column takes."""


def column_widths(table: m.Table, columns: int, total: int, body_pt: float) -> list[int]:
    """Column widths (twips) by how much each column says, never narrower than its longest word.

    Word breaks a word that does not fit its column ("Minu/te"), so a column's
    longest word (a right-aligned figure's whole text) sets its minimum; the role table can fix the first column's
    share. When the longest words cannot all fit (a source file's name in an
    appendix), each column gets its minimum and only the longest are cut down,
    to one level that makes them fit: "Area" and "Value" keep their words whole
    and the file name takes the rest and wraps, as it would on any page. The
    widths always add up to the text width.
    """
    weights, needs = [8.0] * columns, [0.0] * columns
    for row in table.head + table.body:
        for index, cell in enumerate(row.cells):
            text = m.plain_text(cell.content)
            weights[index] = max(weights[index], min(len(text), 40))
            # A figure ("30 of 112") or a date never wraps; other text may break at spaces and after a
            # hyphen between letters ("Non-/recurrent"), never inside a code such as "2018-04/2018-08".
            words = [text] if m.never_wraps(cell) else _BREAKABLE_HYPHEN.sub("- ", text).split()
            longest = max((len(word) for word in words), default=0)
            em = 0.62 if cell.header or row in table.head else 0.55  # average glyph width, bold or regular
            needs[index] = max(needs[index], longest * em * body_pt * 20 + 260)  # plus the cell margins
    shares = [w / sum(weights) for w in weights]
    first = FIRST_COLUMN_SHARE.get(table.role or "")
    if first is not None and columns > 1:
        rest = sum(shares[1:])
        shares = [first] + [s / rest * (1 - first) for s in shares[1:]]
    if sum(needs) >= total:  # as a browser lays out content wider than the page: each column its minimum
        return [round(width) for width in _fit_needs(needs, total)]
    # Columns below their need take it; the rest share what is left, until none is below. As the needs
    # fit, what is left always covers the columns still sharing it, so this ends with every column placed.
    fixed: dict[int, float] = {}
    while True:
        spare = total - sum(fixed.values())
        weight = sum(shares[i] for i in range(columns) if i not in fixed)
        widths = [fixed.get(i) or spare * shares[i] / weight for i in range(columns)]
        narrow = {i for i in range(columns) if i not in fixed and widths[i] < needs[i]}
        if not narrow:
            return [round(width) for width in widths]
        fixed.update((i, needs[i]) for i in narrow)


def _fit_needs(needs: list[float], total: int) -> list[float]:
    """The minimum widths, too wide together, with the largest lowered to the one common cap that fits them."""
    ranked = sorted(needs)
    for count, need in enumerate(ranked):
        cap = (total - sum(ranked[:count])) / (len(ranked) - count)
        if cap <= need:
            break
    return [min(n, cap) for n in needs]
