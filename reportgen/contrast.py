"""Colour contrast of a house style, checked against WCAG 2.2 before anything is published in it.

Published council documents must meet the accessibility regulations, so a
style whose text or chart lines are too faint to read is refused when it is
loaded, naming the colour, its ratio and what is needed, rather than found by
an audit after publication. Text needs 4.5:1 (success criterion 1.4.3);
chart lines and the status symbols need 3:1 against the white page (1.4.11,
non-text contrast). Rules and table borders are left out: they separate what
the text already says, so 1.4.11 does not ask it of them.

The ratio is WCAG's own definition (relative luminance of sRGB, ratio of the
lighter plus 0.05 to the darker plus 0.05), written out here: the colour
libraries that compute it cost a build more to import than the check itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

Field = tuple[str | int, ...]
"""Where the colour is set in style.yaml: ``("colours", "chart_palette", 2)``."""

if TYPE_CHECKING:
    from reportgen.style import Colours

WHITE = "#ffffff"
TEXT = 4.5
"""WCAG 2.2 SC 1.4.3 (AA): text against its background."""
GRAPHICS = 3.0
"""WCAG 2.2 SC 1.4.11 (AA): parts of graphics needed to understand them, against what is next to them."""


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#rrggbb`` (0 for black, 1 for white)."""
    def linear(channel: str) -> float:
        c = int(channel, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same colour) to 21 (black on white), whichever is lighter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_problems(colours: Colours) -> Iterator[tuple[Field, str]]:
    """(field, message) for each colour of a style too faint for what it is used for."""
    checks: list[tuple[Field, str, str, float, str]] = [
        (("colours", "text"), colours.text, WHITE, TEXT, "body text"),
        (("colours", "primary"), colours.primary, WHITE, TEXT, "headings and links"),
        (("colours", "accent"), colours.accent, WHITE, TEXT, "the draft notice's text"),
        (("colours", "table_header_text"), colours.table_header_text, colours.table_header_background, TEXT,
         "table header text on colours.table_header_background"),
        (("colours", "improvement"), colours.improvement, WHITE, GRAPHICS, "a chart's special-cause marker"),
        (("colours", "concern"), colours.concern, WHITE, GRAPHICS, "a chart's special-cause marker"),
        *((("colours", "chart_palette", i), colour, WHITE, GRAPHICS, "a comparator's chart line")
          for i, colour in enumerate(colours.chart_palette)),
    ]
    for field, colour, background, needed, use in checks:
        ratio = contrast_ratio(colour, background)
        if ratio < needed:
            against = "the white page" if background == WHITE else background
            criterion = "1.4.3 Contrast (Minimum)" if needed == TEXT else "1.4.11 Non-text Contrast"
            yield field, (f"{colour} has a contrast of {_floor(ratio)}:1 against {against}, too faint for {use}: "
                          f"WCAG 2.2 {criterion} needs at least {needed:g}:1; choose a darker colour")


def _floor(ratio: float) -> str:
    """2.99 as "2.9", never rounded up to a ratio that would seem to pass."""
    return f"{int(ratio * 10) / 10:.1f}"
