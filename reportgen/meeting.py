"""The meeting file: what democratic services write in ``meeting.yaml``.

One file drives the agenda, the agenda packs and the minutes, so the item
numbers, titles and exemptions are typed once and cannot disagree between
them. Everything is checked before any output: every problem is listed with
its field path, item reports must exist, item numbers must be unique and
minute numbers must follow the house style's pattern. The checks across the
file and against its items' reports are in ``meeting_checks``, whose
``load_meeting`` reads a meeting file and runs them all.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator, model_validator

from reportgen.errors import SpecError
from reportgen.output import slug
from reportgen.style import HouseStyle

NonEmpty = Annotated[str, Field(min_length=1)]
REPORT_SUFFIXES = (".yaml", ".yml", ".pdf", ".docx")


class MeetingError(SpecError):
    what = "meeting file"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Contact(_Strict):
    name: NonEmpty
    role: NonEmpty = "Democratic Services Officer"
    email: EmailStr
    phone: NonEmpty


class Membership(_Strict):
    chair: NonEmpty
    vice_chair: str | None = None
    members: list[NonEmpty] = []

    def everyone(self) -> list[str]:
        return [self.chair, *([self.vice_chair] if self.vice_chair else []), *self.members]


class Officer(_Strict):
    name: NonEmpty
    role: NonEmpty


class Apology(_Strict):
    member: NonEmpty
    substitute: str | None = None


class Declaration(_Strict):
    member: NonEmpty
    item: int
    type: Literal["disclosable pecuniary", "other registrable", "non-registrable", "personal", "prejudicial"]
    nature: NonEmpty
    left_meeting: bool = False
    """The member left the meeting while the item was considered; its minute records it."""


class Resolution(_Strict):
    """"RESOLVED – That ..." (or RECOMMENDED to another body), with optional (i), (ii) parts."""

    kind: Literal["resolved", "recommended"] = "resolved"
    to: str | None = None
    """For recommendations: the body recommended to ("Cabinet")."""
    text: NonEmpty
    """Starts with "That" by convention ("That Committee is satisfied ...")."""
    parts: list[NonEmpty] = []
    """Sub-resolutions, numbered (i), (ii), (iii)."""

    @model_validator(mode="after")
    def _recommended_to(self) -> Resolution:
        if self.kind == "recommended" and not self.to:
            raise ValueError("a recommendation needs `to`: the body it is recommended to (e.g. Cabinet)")
        return self


class Action(_Strict):
    action: NonEmpty
    owner: NonEmpty
    due: date


class Minute(_Strict):
    number: str | None = None
    """The minute number as the council writes it ("CP/12"); made from the house pattern when left out."""
    discussion: str = ""
    """Markdown."""
    resolutions: list[Resolution] = []
    actions: list[Action] = []
    public_summary: str = ""
    """Markdown; exempt items only. What the public minutes say of the item under the "not for publication"
    notice: the summary section 100C(2) of the Local Government Act 1972 asks for, often the decision itself."""


class Item(_Strict):
    number: int = Field(ge=1)
    title: NonEmpty
    standing: Literal["apologies", "declarations", "minutes"] | None = None
    """A standing item: apologies, declarations of interest, minutes of the last meeting."""
    report_of: str | None = None
    purpose: Literal["decision", "discussion", "noting"] = "noting"
    summary: str | None = None
    """One or two sentences shown under the item on the agenda."""
    report: Path | None = None
    """A reportgen report spec (.yaml), or an existing .pdf or .docx; relative to the meeting file."""
    exempt_paragraph: int | None = Field(None, ge=1, le=7)
    """Schedule 12A paragraph; set only for exempt (Part II) items."""
    report_for_another_meeting: bool = False
    """The report's header names another committee or date on purpose (a report taken to a second meeting)."""
    minute: Minute | None = None

    @property
    def exempt(self) -> bool:
        return self.exempt_paragraph is not None

    @field_validator("report")
    @classmethod
    def _report_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        base: Path = (info.context or {}).get("path", Path("meeting.yaml")).parent
        path = value if value.is_absolute() else base / value
        if path.suffix.lower() not in REPORT_SUFFIXES:
            raise ValueError(f"report must be a .yaml spec, a .pdf or a .docx, not {path.name!r}")
        if not path.is_file():
            raise ValueError(f"report file not found: {path}")
        return path


class Minutes(_Strict):
    approved: bool = False
    """Until true, the minutes are marked "DRAFT – subject to approval"."""
    approved_on: date | None = None
    first_number: int = Field(1, ge=1)
    """The number of this meeting's first minute when the house pattern numbers them in sequence."""
    present: list[NonEmpty] = []
    """Members present; defaults to the membership less apologies."""
    in_the_chair: str | None = None
    """The member present who presided, when not the Chair; by default the Vice-Chair when the Chair is absent."""
    in_attendance: list[Officer] = []
    """Officers and others attending; defaults to the officers."""


class MeetingSpec(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")] | None = None
    """File name stem for outputs; defaults to committee and date ("corporate-parenting-committee-2022-04-12")."""
    style: NonEmpty = "default"
    committee: NonEmpty
    date: date
    time: time
    """24-hour clock, ``18:30`` or ``9:30``."""
    venue: NonEmpty
    published: date
    """Date of publication of the agenda."""
    contact: Contact
    membership: Membership
    officers: list[Officer] = []
    apologies: list[Apology] = []
    declarations: list[Declaration] = []
    items: list[Item] = Field(min_length=1)
    minutes: Minutes = Minutes()

    @field_validator("time", mode="before")
    @classmethod
    def _one_digit_hour(cls, value: object) -> object:
        """``9:30`` as ``09:30``: a morning meeting is written that way, and pydantic wants two digits."""
        if isinstance(value, str) and re.fullmatch(r"\s*\d:\d{2}\s*", value):
            return f"0{value.strip()}"
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> MeetingSpec:
        numbers = [item.number for item in self.items]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValueError(f"item number(s) used twice: {', '.join(map(str, duplicates))}")
        if numbers != sorted(numbers):
            raise ValueError(f"items must be in number order; got {', '.join(map(str, numbers))}")
        standing = [item.number for item in self.items if item.standing]
        business = [item.number for item in self.items if not item.standing]
        if standing and business and max(standing) > min(business):
            raise ValueError("standing items (apologies, declarations, minutes) must come before the other items")
        exempt = [item.number for item in self.items if item.exempt]
        public = [item.number for item in self.items if not item.exempt]
        if exempt and public and min(exempt) < max(public):
            raise ValueError(f"exempt items ({', '.join(map(str, exempt))}) must come after every public item, "
                             "under Part II of the agenda")
        style: HouseStyle | None = (info.context or {}).get("style")
        if style is not None:
            check_minute_numbers(self, style)
        return self

    def file_stem(self) -> str:
        if self.name:
            return self.name
        return f"{slug(self.committee)}-{self.date.isoformat()}"

    def business(self) -> list[Item | Exclusion]:
        """Every item in order, with the resolution to exclude the press and public before each run of exempt items."""
        out: list[Item | Exclusion] = []
        for index, item in enumerate(self.items):
            if item.exempt and (index == 0 or not self.items[index - 1].exempt):
                run = list(itertools.takewhile(lambda later: later.exempt, self.items[index:]))
                out.append(Exclusion(tuple(run)))
            out.append(item)
        return out

    def minute_numbers(self, style: HouseStyle) -> list[tuple[Item | Exclusion, str]]:
        """Each minute and its number: an item's own, or the house pattern's next in sequence."""
        numbered = []
        for position, entry in enumerate(self.business()):
            own = entry.minute.number if isinstance(entry, Item) and entry.minute else None
            sequence = self.minutes.first_number + position
            numbered.append((entry, own or style.minute_number_pattern.format(number=sequence,
                                                                              year=self.date.year % 100)))
        return numbered

    def minute_number(self, item: Item, style: HouseStyle) -> str:
        """The minute number ``item`` becomes."""
        return next(number for entry, number in self.minute_numbers(style) if entry is item)

    def present(self) -> list[str]:
        if self.minutes.present:
            return self.minutes.present
        absent = {a.member for a in self.apologies}
        return [name for name in self.membership.everyone() if name not in absent]

    def presiding(self) -> str | None:
        """Who was in the chair: the member the minutes name, else the Chair, else the Vice-Chair, if present."""
        present = self.present()
        candidates = [self.minutes.in_the_chair] if self.minutes.in_the_chair else \
            [self.membership.chair, self.membership.vice_chair]
        return next((name for name in candidates if name and name in present), None)


@dataclass(frozen=True)
class Exclusion:
    """The resolution to exclude the press and public before a run of exempt items: on the agenda, then minuted."""

    items: tuple[Item, ...]
    """The exempt items it covers."""

    @property
    def paragraphs(self) -> str:
        """The Schedule 12A paragraphs the items are exempt under: "paragraph 3", "paragraphs 1 and 3"."""
        numbers = [str(n) for n in sorted({item.exempt_paragraph for item in self.items if item.exempt_paragraph})]
        if len(numbers) == 1:
            return f"paragraph {numbers[0]}"
        return f"paragraphs {', '.join(numbers[:-1])} and {numbers[-1]}"

    @property
    def resolution(self) -> str:
        """The one wording of the section 100A(4) resolution, so the agenda and the minutes agree."""
        several = len(self.items) > 1
        return ("That under section 100A(4) of the Local Government Act 1972 the press and public be excluded from "
                f"the meeting for the following item{'s' if several else ''} of business on the grounds that "
                f"{'they involve' if several else 'it involves'} the likely disclosure of exempt information as "
                f"defined in {self.paragraphs} of Part 1 of Schedule 12A to the Act.")


def minute_pattern_regex(pattern: str) -> re.Pattern[str]:
    """The house pattern ("{number}/{year:02d}") as a regex that a written number must match."""
    regex = ""
    for literal, field, spec, _ in string.Formatter().parse(pattern):
        regex += re.escape(literal)
        if field is not None:
            width = re.match(r"0?(\d+)d", spec or "")
            regex += rf"\d{{{width.group(1)}}}" if width else r"\d+"
    return re.compile(rf"^{regex}$")


def check_minute_numbers(spec: MeetingSpec, style: HouseStyle) -> None:
    regex = minute_pattern_regex(style.minute_number_pattern)
    for item in spec.items:
        if item.minute and item.minute.number and not regex.match(item.minute.number):
            example = style.minute_number_pattern.format(number=12, year=spec.date.year % 100)
            raise ValueError(f"item {item.number}: minute number {item.minute.number!r} does not follow the "
                             f"{style.name} house pattern {style.minute_number_pattern!r} (e.g. {example!r})")
    numbers = [number for _, number in spec.minute_numbers(style)]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise ValueError(f"minute number(s) used twice: {', '.join(twice)} (counting the exclusion of the press and "
                         "public before exempt items as a minute); number the minutes after it, or none")
