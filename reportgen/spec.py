"""The report spec: what an officer writes in ``report.yaml``, checked before anything renders.

Every problem is collected in one pass (pydantic), with its field path, so an
officer fixes the whole file at once. The implications rows are the house
style's, so the spec is checked against the style it will be rendered in.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator, model_validator

from reportgen.data_spec import DataSpec
from reportgen.errors import Problem, ResourceRefusedError, SpecError, UnknownNameError, did_you_mean
from reportgen.output import slug
from reportgen.performance import PerformanceSpec
from reportgen.report_data import AS_OF, NO_AS_OF, PLACEHOLDER, as_of_name
from reportgen.style import HouseStyle, style_field
from reportgen.yamlfile import Loc, Locator, problem_at, read_yaml, validate

NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Contact(_Strict):
    name: NonEmpty
    role: NonEmpty
    email: EmailStr
    phone: NonEmpty


class Header(_Strict):
    """The block at the top of every committee report (seed 003)."""

    committee: NonEmpty
    """The meeting the report goes to ("Children and Young People's Scrutiny Committee")."""
    meeting_date: date
    report_of: NonEmpty
    title: NonEmpty
    wards: NonEmpty = "All"
    key_decision: bool = False
    classification: Literal["public", "exempt"] = "public"
    exempt_paragraph: int | None = Field(None, ge=1, le=7)
    """Paragraph of Schedule 12A to the Local Government Act 1972 (1 to 7) for exempt reports."""
    contact: Contact

    @model_validator(mode="after")
    def _exemption(self) -> Header:
        if self.classification == "exempt" and self.exempt_paragraph is None:
            raise ValueError("an exempt report needs exempt_paragraph (Schedule 12A paragraph 1 to 7)")
        if self.classification == "public" and self.exempt_paragraph is not None:
            raise ValueError("exempt_paragraph is only for reports with classification: exempt")
        return self


class Section(_Strict):
    heading: NonEmpty
    body: NonEmpty
    """Markdown."""


class TableSpec(_Strict):
    caption: NonEmpty
    columns: list[NonEmpty] = Field(min_length=1)
    rows: list[list[str | int | float | None]]
    align: list[Literal["left", "right"]] | None = None
    """Per column; numbers are right-aligned by default."""
    notes: list[str] = []
    """Footnotes printed under the table (what a symbol means)."""

    @model_validator(mode="after")
    def _shape(self) -> TableSpec:
        width = len(self.columns)
        for i, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {i} has {len(row)} cells; the table has {width} columns")
        if self.align is not None and len(self.align) != width:
            raise ValueError(f"align has {len(self.align)} entries; the table has {width} columns")
        return self

    def column_align(self) -> list[str]:
        if self.align:
            return list(self.align)
        numeric = re.compile(r"^[-+£]?[\d,]+(\.\d+)?%?$")
        return [
            "right" if self.rows and all(c is None or numeric.match(str(c)) for c in col) else "left"
            for col in zip(*self.rows, strict=True)
        ] if self.rows else ["left"] * len(self.columns)


class Appendix(_Strict):
    title: NonEmpty
    body: str | None = None
    """Markdown."""
    table: TableSpec | None = None

    @model_validator(mode="after")
    def _content(self) -> Appendix:
        if not self.body and not self.table:
            raise ValueError("an appendix needs a body (Markdown), a table, or both")
        return self


class ReportSpec(_Strict):
    template: NonEmpty = "committee_report"
    style: NonEmpty = "default"
    output_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")] | None = None
    """File name for the outputs, without suffix; defaults to the title in lower case with hyphens."""
    author: str | None = None
    """Document author metadata; defaults to the report_of line."""
    header: Header
    summary: NonEmpty
    """Markdown."""
    recommendations: list[NonEmpty] = Field(min_length=1)
    """Each is Markdown for one numbered recommendation."""
    sections: list[Section] = []
    implications: dict[str, str] = {}
    """Row key (from the house style) -> Markdown; rows left out say the style's empty text."""
    background_papers: list[NonEmpty] = []
    appendices: list[Appendix] = []
    data: DataSpec | None = None
    """Data files and measures whose statements prose embeds as ``[[measure:kind]]``."""
    performance: PerformanceSpec | None = None
    """For the performance_report template: the measures, with targets, in the order shown."""

    @model_validator(mode="after")
    def _performance_needs_data(self) -> ReportSpec:
        if self.performance is None:
            if self.data is not None and not self.data.measures:
                raise ValueError("data.measures is empty: name the measures the report uses")
            return self
        if self.data is None:
            raise ValueError("performance: needs a data: section naming the data files")
        listed = set(self.data.measures)
        ids = [m.id for m in self.performance.measures]
        if not listed:
            object.__setattr__(self, "data", self.data.model_copy(update={"measures": ids}))
        elif set(ids) - listed:
            raise ValueError(f"performance measures {', '.join(sorted(set(ids) - listed))} are not in data.measures")
        return self

    def prose(self) -> list[tuple[Loc, str]]:
        """(field, text) of every piece of officers' Markdown."""
        return _prose_in(self.model_dump(include={"summary", "recommendations", "sections", "implications",
                                                  "appendices"}))

    @field_validator("template")
    @classmethod
    def _known_template(cls, value: str) -> str:
        from reportgen.templating import available_templates

        known = list(available_templates())
        if value not in known:
            raise ValueError(UnknownNameError("template", value, known).message)
        return value

    @field_validator("implications")
    @classmethod
    def _implication_rows(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        style: HouseStyle | None = (info.context or {}).get("style")
        if style is not None:
            known = [row.key for row in style.implications.rows]
            unknown = [k for k in value if k not in known]
            if unknown:
                raise ValueError(
                    f"unknown implications row(s) {', '.join(unknown)}; "
                    f"the {style.name} house style has: {', '.join(known)}"
                )
        return value

    def file_stem(self) -> str:
        if self.output_name:
            return self.output_name
        return slug(self.header.title)[:80].strip("-") or "report"


def load_report_spec(path: Path, style_override: str | None = None,
                     period: str | None = None) -> tuple[ReportSpec, HouseStyle]:
    """Validate ``path`` against the house style it names (or ``style_override``).

    Every problem is gathered before any is reported: the style's name, the
    fields, and what the prose asks for that is wrong whatever the data says,
    in the order they come in the file.

    ``period`` is the period the report is written as at when a run sets it
    (``distribute --period``); ``[[as_of]]`` in the title is named from it, or
    from the spec's ``data.as_of``, so the file name and every writer agree.
    """
    raw = read_yaml(path, SpecError)
    style = style_field(path, raw, style_override)
    problems = [style] if isinstance(style, Problem) else []
    spec = None
    try:
        spec = validate(path, raw, ReportSpec, SpecError, style=None if problems else style)
    except SpecError as exc:
        problems += exc.problems
    if isinstance(raw, dict):
        listed = (spec.data.measures if spec.data else []) if spec else _listed_in(raw)
        problems += _prose_problems(path, raw, listed)
    late = spec.data.after_meeting(spec.header.meeting_date) if spec and spec.data and period is None else None
    if late is not None:  # a run's --period is the run's to check, not the spec's
        problems.append(problem_at(path, ("data", "as_of"), late))
    if problems or spec is None or isinstance(style, Problem):
        refused = any(p.message.startswith("refused to fetch") for p in problems)
        raise SpecError(sorted(problems, key=lambda p: p.line or 0),
                        hint=ResourceRefusedError.HINT if refused else None)
    if style_override:
        spec = spec.model_copy(update={"style": style_override})
    title = spec.header.title
    if AS_OF.search(title):
        as_of = period or (spec.data.as_of if spec.data else None)
        if as_of is None:
            raise SpecError([problem_at(path, ("header", "title"), NO_AS_OF)])
        named = AS_OF.sub(lambda _: as_of_name(as_of, style.numbers), title)
        spec = spec.model_copy(update={"header": spec.header.model_copy(update={"title": named})})
    return spec, style


def _prose_in(fields: dict) -> list[tuple[Loc, str]]:
    """(field, text) of the officers' Markdown in a spec's fields, as read or validated; wrong types are skipped."""
    def entries(key: str) -> list:
        value = fields.get(key)
        return value if isinstance(value, list) else []

    found: list[tuple[Loc, object]] = [(("summary",), fields.get("summary"))]
    found += [(("recommendations", i), r) for i, r in enumerate(entries("recommendations"))]
    found += [(("sections", i, "body"), s.get("body")) for i, s in enumerate(entries("sections"))
              if isinstance(s, dict)]
    implications = fields.get("implications")
    if isinstance(implications, dict):
        found += [(("implications", str(k)), v) for k, v in implications.items()]
    found += [(("appendices", i, "body"), a.get("body")) for i, a in enumerate(entries("appendices"))
              if isinstance(a, dict)]
    return [(loc, text) for loc, text in found if isinstance(text, str) and text]


def _listed_in(raw: dict) -> list[str] | None:
    """The measures a spec that failed validation lists (a performance report's by default); None: cannot tell."""
    data = raw.get("data")
    if not isinstance(data, dict):
        return [] if data is None else None
    measures = data.get("measures")
    if isinstance(measures, list) and measures:
        return [str(m) for m in measures]
    performance = raw.get("performance")
    if measures in (None, []) and isinstance(performance, dict) and isinstance(performance.get("measures"), list):
        return [str(m.get("id")) for m in performance["measures"] if isinstance(m, dict)]
    return None


def _prose_problems(path: Path, raw: dict, listed: list[str] | None) -> list[Problem]:
    """What the title and prose ask for that is wrong whatever the data says.

    ``[[measure:kind]]`` naming a measure not in ``data.measures`` or a kind
    of statement there is none of, and images the allow-list refuses: found
    with the schema's problems, so one run lists them all. Whether the data
    gives each statement is known only once it is read
    (``ReportData.check_placeholders``).
    """
    from reportgen.markdown import to_html
    from reportgen.metrics.facts import STATEMENT_KINDS
    from reportgen.metrics.formatting import join_words
    from reportgen.resolver import read_resource

    kinds = list(STATEMENT_KINDS)
    locator = Locator(path)
    has_data = raw.get("data") is not None
    header = raw.get("header")
    title = header.get("title") if isinstance(header, dict) else None
    problems = []
    for loc, text in [*([(("header", "title"), title)] if isinstance(title, str) else []), *_prose_in(raw)]:
        found = AS_OF.search(text)
        if found and not has_data:
            problems.append(problem_at(path, loc, "[[as_of]] names the period the report is written as at, but "
                                       "the spec has no data: section to give one", text=found.group(0),
                                       locator=locator))
        matches = list({m.group(0): m for m in PLACEHOLDER.finditer(text)}.values())
        if matches and not has_data:  # one problem a field, not one a placeholder: the cause is the same
            named = join_words([m.group(0) for m in matches])
            problems.append(problem_at(path, loc, f"{named} need{'s' if len(matches) == 1 else ''} a data: section "
                                       "naming the data files and the measures", text=matches[0].group(0),
                                       locator=locator))
        for match in matches:
            placeholder, measure, kind = match.group(0), match.group(1), match.group(2)
            wrong = []
            if has_data and listed is not None and measure not in listed:
                wrong.append(f"{placeholder}: {measure} is not in data.measures{did_you_mean(measure, listed)}; "
                             f"listed: {', '.join(listed) or '(none)'}")
            if kind not in kinds:
                wrong.append(f"{placeholder}: {kind!r} is not a kind of statement{did_you_mean(kind, kinds)}; "
                             f"the kinds are {', '.join(kinds)}")
            problems += [problem_at(path, loc, message, text=placeholder, locator=locator) for message in wrong]
        for src in dict.fromkeys(_IMG_SRC.findall(to_html(text))):
            url = html.unescape(src)
            try:
                read_resource(url)
            except ResourceRefusedError as exc:
                problems.append(problem_at(path, loc, exc.message, text=url, locator=locator))
    return problems


_IMG_SRC = re.compile(r'<img src="([^"]*)"')
"""An image in Markdown as markdown-it writes it (raw HTML is off, so officers' ``<img>`` is text)."""
