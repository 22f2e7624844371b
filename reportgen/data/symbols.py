"""What each symbol published in place of a figure means, and the word for a blank cell.

A module of its own, with no pandas, because the sentences, the statements'
JSON, chart alt text and the performance report's table notes all use these
words, and none of them should pay for pandas' import to get them (the
statements of series built in memory never load a file). Reading cells is in
``reportgen.data.suppression``.
"""

from __future__ import annotations

SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "k": "below 0.5: it rounds to zero but is not zero",
    "x": "not available",
    "u": "low reliability",
    "low": "too low to show: it rounds to zero but is not zero",
    "..": "not available",
}
"""Each symbol published in place of a figure (matched ignoring case), and what it means: in
``check``'s listing, the statements ("is not published (suppressed to protect confidentiality)"),
the JSON's reasons, chart alt text and table notes alike, as the DfE (EES) and ONS shorthand
define them."""

BLANK = "missing"
"""What ``Observation.suppressed`` holds for a blank cell read as not published."""

BLANK_RULE = "blank value"


def describe(symbol: str) -> str:
    """What a not-published cell held, for a person: ``'c' (suppressed to protect confidentiality)``, ``blank``."""
    if symbol == BLANK:
        return "blank"
    meaning = SYMBOLS.get(symbol)
    return f"{symbol!r} ({meaning})" if meaning else repr(symbol)
