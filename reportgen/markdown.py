"""Officers' prose (Markdown) to the HTML the reader understands.

markdown-it-py in CommonMark mode with raw HTML disabled, so ``<script>``
or ``<img src=...>`` typed into a spec is shown as text, never executed or
fetched. Indented code blocks are off: officers indent prose in YAML without
meaning "code". Headings are shifted under the section's own heading and
capped at level 3, the deepest the house styles define.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

MAX_HEADING = 3


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable(["code", "fence"])
    # markdown-it quietly turns ``file:`` and ``javascript:`` links into text.
    # Let every URL through instead: images are judged by the resource
    # allow-list (which refuses with a message naming the URL) and links are
    # checked by ``_safe_href`` in the reader, so an officer learns why.
    md.validateLink = lambda url: True
    return md


def to_html(text: str, heading_offset: int = 2) -> Markup:
    """Block Markdown to HTML; ``# X`` becomes ``<h{1+offset}>`` (at most h3)."""
    md = _parser()
    tokens = md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + heading_offset, MAX_HEADING)
            token.tag = f"h{level}"
    return Markup(md.renderer.render(tokens, md.options, {}))


def to_inline_html(text: str) -> Markup:
    """One paragraph's worth of Markdown (emphasis, links) without the ``<p>``."""
    return Markup(_parser().renderInline(text or ""))
