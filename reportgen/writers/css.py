"""The house style as CSS: one function, two media (print for PDF, screen for HTML).

The same ``HouseStyle`` object drives the Word styles in ``writers.docx``; the
only thing here is how those settings are spelled in CSS.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from reportgen.model import KEEP_WHOLE_ROLES, KEEP_WITH_NEXT_ROLE
from reportgen.resolver import asset_url
from reportgen.style import HouseStyle

_FACES = {"Regular": ("normal", "normal"), "Bold": ("bold", "normal"),
          "Italic": ("normal", "italic"), "BoldItalic": ("bold", "italic")}


def css_string(text: str) -> str:
    """``text`` as a CSS string literal; every non-alphanumeric character escaped.

    Used for content that comes from a spec (the running header), so nothing an
    officer types can close the string and inject CSS.
    """
    # The space after each 6-digit escape ends it (CSS consumes one), so real spaces survive.
    escaped = re.sub(r"[^A-Za-z0-9 ]", lambda c: f"\\{ord(c.group()):06x} ", text)
    return f'"{escaped}"'


def footer_content(pattern: str) -> str:
    """``Page {page} of {pages}`` as a CSS content value with live counters."""
    parts = []
    for piece in re.split(r"({page}|{pages})", pattern):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or "none"


@cache
def _template() -> jinja2.Template:
    from reportgen.templating import bytecode_cache

    env = jinja2.Environment(
        bytecode_cache=bytecode_cache(),
        loader=jinja2.PackageLoader("reportgen", "writers"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # CSS, not HTML; every value interpolated is validated by HouseStyle
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("house.css.j2")


def house_css(style: HouseStyle, *, print_media: bool) -> str:
    """The stylesheet for ``style``: print adds fonts and page rules, screen a readable column."""
    fonts = []
    if print_media:
        for font in {style.fonts.body, style.fonts.headings}:
            for face, path in font.files().items():
                weight, slant = _FACES[face]
                fonts.append({"family": font.family, "url": asset_url(path), "weight": weight, "style": slant})
    return _template().render(
        s=style,
        m=style.margins,
        c=style.colours,
        z=style.sizes,
        print=print_media,
        fonts=fonts,
        footer_content=footer_content(style.footer),
        keep_whole=sorted(KEEP_WHOLE_ROLES), keep_with_next=KEEP_WITH_NEXT_ROLE,
    )


def running_header_css(text: str, style: HouseStyle) -> str:
    """Per-document page rule: the running header on every page after the first."""
    if not text:
        return ""
    return (
        f"@page {{ @top-left {{ content: {css_string(text)}; font-family: \"{style.fonts.body.family}\"; "
        f"font-size: {style.sizes.small}pt; color: {style.colours.text}; }} }}\n"
        "@page :first { @top-left { content: none; } }\n"
    )
