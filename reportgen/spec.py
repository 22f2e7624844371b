"""The report spec: what an officer writes in ``report.yaml``, checked before anything renders.

Every problem is collected in one pass (pydantic), with its field path, so an
officer fixes the whole file at once. The implications rows are the house
style's, so the spec is checked against the style it will be rendered in.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator, model_validator

from reportgen.errors import Problem, SpecError
from reportgen.performance import PerformanceSpec
from reportgen.report_data import AS_OF, NO_AS_OF, PLACEHOLDER, DataSpec, as_of_name
from reportgen.style import HouseStyle, style_named_in
from reportgen.yamlfile import load_model

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

    @model_validator(mode="after")
    def _placeholders_name_listed_measures(self) -> ReportSpec:
        listed = self.data.measures if self.data else []
        for path, text in [("header.title", self.header.title), *self.prose()]:
            if self.data is None and AS_OF.search(text):
                raise ValueError(f"{path} uses [[as_of]], but the spec has no data: section to be as at a period")
            for match in PLACEHOLDER.finditer(text):
                if self.data is None:
                    raise ValueError(f"{path} uses {match.group(0)}, but the spec has no data: section")
                if match.group(1) not in listed:
                    raise ValueError(f"{path} uses {match.group(0)}, but {match.group(1)} is not in data.measures "
                                     f"({', '.join(listed)})")
                from reportgen.metrics.facts import STATEMENT_KINDS

                if match.group(2) not in STATEMENT_KINDS:
                    raise ValueError(f"{path} uses {match.group(0)}, but {match.group(2)!r} is not a kind of "
                                     f"statement; the kinds are {', '.join(STATEMENT_KINDS)}")
        return self

    def prose(self) -> list[tuple[str, str]]:
        """(field path, text) of every piece of officers' Markdown."""
        found = [("summary", self.summary)]
        found += [(f"recommendations.{i}", r) for i, r in enumerate(self.recommendations)]
        found += [(f"sections.{i}.body", s.body) for i, s in enumerate(self.sections)]
        found += [(f"implications.{k}", v) for k, v in self.implications.items()]
        found += [(f"appendices.{i}.body", a.body) for i, a in enumerate(self.appendices) if a.body]
        return found

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
        slug = re.sub(r"[^a-z0-9]+", "-", self.header.title.lower()).strip("-")
        return slug[:80] or "report"


def load_report_spec(path: Path, style_override: str | None = None,
                     period: str | None = None) -> tuple[ReportSpec, HouseStyle]:
    """Validate ``path`` against the house style it names (or ``style_override``).

    ``period`` is the period the report is written as at when a run sets it
    (``distribute --period``); ``[[as_of]]`` in the title is named from it, or
    from the spec's ``data.as_of``, so the file name and every writer agree.
    """
    style = style_named_in(path, SpecError, style_override)
    spec = load_model(path, ReportSpec, SpecError, style=style)
    if style_override:
        spec = spec.model_copy(update={"style": style_override})
    title = spec.header.title
    if AS_OF.search(title):
        as_of = period or (spec.data.as_of if spec.data else None)
        if as_of is None:
            raise SpecError([Problem(str(path), "header.title", NO_AS_OF)])
        named = AS_OF.sub(lambda _: as_of_name(as_of, style.numbers), title)
        spec = spec.model_copy(update={"header": spec.header.model_copy(update={"title": named})})
    return spec, style
