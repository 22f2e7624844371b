"""The PDF writer: WeasyPrint renders the HTML writer's markup with print CSS.

Tagged (PDF/UA-1), A4, fonts embedded from the style's kit, bookmarks from
headings, title/author/language from the document; the running header and
page numbers marked as artifacts (``pdf_artifacts``), and the tags given back
what WeasyPrint's lose of the HTML (``pdf_tags``). WeasyPrint only ever sees
our allow-list fetcher, so a document cannot read local files or reach the
network, and the parsed house CSS and font configuration are built once per
style and reused for every document in the process (the expensive parts).
"""

from __future__ import annotations

import io
import logging
from typing import Any, BinaryIO

from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reportgen import model as m
from reportgen.errors import ResourceRefusedError
from reportgen.resolver import ASSET_SCHEME, read_resource
from reportgen.style import HouseStyle
from reportgen.writers.css import house_css, running_header_css
from reportgen.writers.html import to_html

log = logging.getLogger(__name__)


PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "custom_metadata": False}
"""Tagged PDF/UA-1 (title, language, structure tree); no custom metadata leaks from the HTML."""


class RefusedFetch(FatalURLFetchingError):
    """Raised inside WeasyPrint to stop the render: a silently missing image is not acceptable."""


class AllowListFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to data: URIs and files under templates/ and styles/."""

    def __init__(self) -> None:
        super().__init__(
            allowed_protocols=("data", ASSET_SCHEME),
            allow_redirects=False,
            fail_on_errors=True,
        )

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            data, mime = read_resource(url)
        except ResourceRefusedError as exc:
            log.warning("%s", exc.message)
            raise RefusedFetch(exc.message) from exc
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


class PdfWriter:
    """Tagged A4 PDF. One instance per process keeps fonts and parsed CSS warm."""

    suffix = ".pdf"

    def __init__(self) -> None:
        self.fetcher = AllowListFetcher()
        self.font_config = FontConfiguration()
        # @counter-style rules ((i), (ii) lists) register here when the house CSS
        # is parsed; the same object must reach render() or they are ignored.
        self.counter_style = CounterStyle()
        self._css: dict[str, CSS] = {}
        self._extra_css: dict[str, CSS] = {}

    def house_stylesheet(self, style: HouseStyle) -> CSS:
        if style.name not in self._css:
            self._css[style.name] = CSS(
                string=house_css(style, print_media=True),
                font_config=self.font_config,
                counter_style=self.counter_style,
                url_fetcher=self.fetcher,
            )
        return self._css[style.name]

    def extra_stylesheet(self, css: str) -> CSS:
        """A running header or a pack's page stamps, parsed once: a batch repeats the same few."""
        if css not in self._extra_css:
            if len(self._extra_css) >= 64:  # each meeting's headers differ; keep memory flat in long runs
                self._extra_css.clear()
            self._extra_css[css] = CSS(string=css, font_config=self.font_config, url_fetcher=self.fetcher)
        return self._extra_css[css]

    def layout(self, document: m.Document, style: HouseStyle, *, extra_css: str = "", logo: bool = True) -> Any:
        """Lay the document out (WeasyPrint's ``Document``) without writing it.

        Agenda packs lay out each part, count its pages, then combine the pages
        of every part into one tagged PDF; single documents write at once.
        """
        html = to_html(document, style, css="", src=lambda url: url, logo=logo)
        stylesheets = [self.house_stylesheet(style)]
        extra = running_header_css(document.metadata.running_header, style) + extra_css
        if extra:
            stylesheets.append(self.extra_stylesheet(extra))
        try:
            return HTML(string=html, url_fetcher=self.fetcher, base_url=None).render(
                stylesheets=stylesheets,
                font_config=self.font_config,
                counter_style=self.counter_style,
                presentational_hints=False,
                **PDF_OPTIONS,
            )
        except RefusedFetch as exc:
            cause = exc.__cause__
            if isinstance(cause, ResourceRefusedError):
                raise cause from None
            raise

    def write(self, document: m.Document, style: HouseStyle, out: BinaryIO) -> None:
        import pikepdf

        from reportgen.writers.pdf_artifacts import mark_page_furniture
        from reportgen.writers.pdf_tags import complete_tags

        layout = self.layout(document, style)
        pdf = pikepdf.open(io.BytesIO(layout.write_pdf(**PDF_OPTIONS)))
        complete_tags(pdf, layout)
        mark_page_furniture(pdf)
        pdf.save(out, deterministic_id=True)
