"""House style: one definition per council, from which the CSS and the Word styles are made.

A style lives in ``styles/<name>/style.yaml`` beside its logo. Fonts come from
kits in ``styles/_fonts/<kit>/`` (open-licence TTFs): the style names the
family documents are *styled* in (``Arial``, the usual council font) and the
kit that renders it (Liberation Sans, metric-compatible with Arial), so a PDF
looks the same on every machine and a Word draft opens in the council's font.

Unknown keys are errors, so a misspelt setting never silently does nothing.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reportgen import resources
from reportgen.contrast import contrast_problems
from reportgen.errors import Problem, ProblemsError, StyleError, UnknownNameError
from reportgen.yamlfile import load_model, problem_at, read_yaml

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
Colour = Annotated[str, Field(pattern=_HEX.pattern, description="#rrggbb")]
FONT_FACES = ("Regular", "Bold", "Italic", "BoldItalic")
log = logging.getLogger(__name__)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Font(_Strict):
    family: str = Field("Arial", pattern=r"^[A-Za-z0-9 \-]+$")
    """The family named in Word and CSS (letters, digits, spaces, hyphens)."""
    kit: str = "liberation-sans"
    """Folder under styles/_fonts/ with <Name>-Regular/Bold/Italic/BoldItalic.ttf."""

    def files(self) -> dict[str, Path]:
        """Face name -> TTF path, for @font-face rules."""
        folder = resources.font_kit(self.kit)
        found: dict[str, Path] = {}
        for face in FONT_FACES:
            matches = sorted(folder.glob(f"*-{face}.ttf")) if folder else []
            if matches:
                found[face] = matches[0]
        return found


class Fonts(_Strict):
    body: Font = Font()
    headings: Font = Font()


class Sizes(_Strict):
    """Type sizes in points. GOV.UK guidance: body text at least 12 pt."""

    body: float = Field(12, ge=12, le=16)
    h1: float = 20
    h2: float = 16
    h3: float = 13
    small: float = 10


class Colours(_Strict):
    text: Colour = "#1d1d1b"
    primary: Colour = "#005a8b"
    """Headings, rules, the council's line in charts."""
    accent: Colour = "#6e2b62"
    table_header_background: Colour = "#e8eef3"
    table_header_text: Colour = "#1d1d1b"
    rule: Colour = "#b1b4b6"
    chart_palette: tuple[Colour, ...] = ("#d55e00", "#009e73", "#cc79a7", "#595959")
    """Colour-blind-safe comparator colours (Okabe-Ito's that reach 3:1 on white, then a grey); the
    council's own line is ``primary``, and a palette colour equal to it is skipped."""
    improvement: Colour = "#1f78b4"
    """XmR special cause that is good news (Making Data Count's blue); a neutral measure's use ``accent``."""
    concern: Colour = "#b35806"
    """XmR special cause that is bad news (Making Data Count's orange, darkened to 4.5:1 on white)."""


class Margins(_Strict):
    """Page margins in centimetres (A4)."""

    top: float = 2.5
    bottom: float = 2.5
    left: float = 2.5
    right: float = 2.5


class ImplicationRow(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The field name officers use in the spec (``financial``)."""
    label: str
    """The row heading printed in the table."""


DEFAULT_IMPLICATIONS = (
    ImplicationRow(key="policy", label="Relationship to Policy Framework/Corporate Priorities"),
    ImplicationRow(key="financial", label="Financial"),
    ImplicationRow(key="legal", label="Legal Implications"),
    ImplicationRow(key="equality", label="Equality/Diversity Implications"),
    ImplicationRow(key="sustainability", label="Sustainability Implications"),
    ImplicationRow(key="staffing", label="Staffing/E-Government/Asset Management Implications"),
    ImplicationRow(key="risk", label="Risk Management Implications"),
    ImplicationRow(key="health_and_safety", label="Health and Safety Implications"),
)


class Implications(_Strict):
    rows: tuple[ImplicationRow, ...] = DEFAULT_IMPLICATIONS
    empty_text: str = "None arising from this report."
    """What an implications row says when the report gives nothing for it."""


class NumberStyle(_Strict):
    """How statements write numbers and dates (ONS style guide defaults)."""

    words_for_small_numbers: bool = True
    """Write one to nine in words, unless the number is the statistic itself."""
    month_format: str = "MMMM yyyy"
    """Babel date pattern for a month ("July 2018")."""
    date_format: str = "d MMMM yyyy"
    """Babel date pattern for a day ("9 October 2018")."""
    range_word: str = "to"


class HouseStyle(_Strict):
    name: str
    council: str
    """The council's name as printed on the front of every document."""
    description: str = ""
    logo: str | None = "logo.svg"
    """Vector logo, relative to the style folder, for PDF and HTML."""
    logo_raster: str | None = "logo.png"
    """Raster copy of the logo for Word (which cannot embed SVG alone)."""
    logo_width_cm: float = 5.0
    fonts: Fonts = Fonts()
    sizes: Sizes = Sizes()
    colours: Colours = Colours()
    margins: Margins = Margins()
    footer: str = "Page {page} of {pages}"
    """Footer text; {page} and {pages} become live page numbers in PDF and Word."""
    paragraph_numbering: bool = False
    """Number body paragraphs 1.1, 1.2 ... under each numbered section heading."""
    implications: Implications = Implications()
    numbers: NumberStyle = NumberStyle()
    minute_number_pattern: str = "{number}/{year:02d}"
    """How minutes are numbered ("32/24"); used by minutes."""
    reports_start_on_odd_pages: bool = False

    folder: Path = Field(default=Path("."), exclude=True)
    """The style's folder (set by the loader; not written in style.yaml)."""

    @field_validator("footer")
    @classmethod
    def _footer_fields(cls, value: str) -> str:
        unknown = set(re.findall(r"{(\w*)}", value)) - {"page", "pages"}
        if unknown:
            raise ValueError(f"footer may use {{page}} and {{pages}} only, not {sorted(unknown)}")
        return value

    def logo_path(self) -> Path | None:
        return self.folder / self.logo if self.logo else None

    def logo_raster_path(self) -> Path | None:
        return self.folder / self.logo_raster if self.logo_raster else None

    def implication_label(self, key: str) -> str:
        return next(row.label for row in self.implications.rows if row.key == key)


def available_styles() -> dict[str, Path]:
    """Style name -> folder, for every ``<name>/style.yaml`` in the style folders (``resources.style_roots``)."""
    return resources.style_folders()


def style_named_in(path: Path, error: type[ProblemsError], override: str | None = None) -> HouseStyle:
    """The house style a spec or meeting file asks for (``style:``), or ``override``; default "default".

    Read before the file is validated, because validation depends on the
    style (implications rows, minute number pattern).
    """
    found = style_field(path, read_yaml(path, error), override)
    if isinstance(found, Problem):
        raise error([found])
    return found


def style_field(path: Path, raw: object, override: str | None = None) -> HouseStyle | Problem:
    """The house style that the file read as ``raw`` names (or ``override``), or the problem with its ``style:``.

    The problem is returned, not raised, so a spec can report it with the
    rest of its problems. An unknown ``override`` (``--style``) is the command
    line's mistake, not the file's: ``UnknownNameError``.
    """
    if override:
        return load_style(override)
    name = (raw.get("style") if isinstance(raw, dict) else None) or "default"
    if not isinstance(name, str):  # the file's own validation says style: is not text
        name = "default"
    try:
        return load_style(name)
    except UnknownNameError as exc:
        return problem_at(path, ("style",), exc.message)


def load_style(name: str) -> HouseStyle:
    """Load and check a house style by name."""
    return _load_style(name, resources.style_roots())


@cache
def _load_style(name: str, roots: tuple[Path, ...]) -> HouseStyle:
    """Cached per set of style folders, as every document of a run shares the style."""
    known = available_styles()
    if name not in known:
        raise UnknownNameError("style", name, list(known))
    folder = known[name]
    path = folder / "style.yaml"
    style = load_model(path, HouseStyle, StyleError).model_copy(update={"folder": folder})
    problems = []
    for label, file in (("logo", style.logo_path()), ("logo_raster", style.logo_raster_path())):
        if file is not None and not file.is_file():
            problems.append(Problem(str(path), label, f"file not found: {file}"))
    for which, font in (("fonts.body", style.fonts.body), ("fonts.headings", style.fonts.headings)):
        faces = font.files()
        if "Regular" not in faces:
            problems.append(
                Problem(str(path), f"{which}.kit", f"no *-Regular.ttf in _fonts/{font.kit}/ of "
                        f"{' or '.join(str(root) for root in resources.style_roots())}")
            )
        elif missing := [face for face in FONT_FACES if face not in faces]:
            log.warning("%s: %s.kit: _fonts/%s/ has no %s face: the PDF will fake it by slanting or "
                        "thickening the regular one (add *-%s.ttf)", path, which, font.kit,
                        " or ".join(missing), ".ttf, *-".join(missing))
    problems += [problem_at(path, field, message) for field, message in contrast_problems(style.colours)]
    if problems:
        raise StyleError(problems)
    return style
