"""Agenda and minutes: a meeting file becomes document models through the shared templates.

Both go through the same template -> HTML -> model path as a report, so the
Word and PDF writers, the house style and the accessibility checks all apply
unchanged. Exempt (Part II) content is decided here, in one place: the public
minutes withhold the minute of an exempt item; the private minutes keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportgen import model as m
from reportgen.meeting import Action, Item, MeetingSpec
from reportgen.pipeline import compose_template
from reportgen.style import HouseStyle

Audience = Literal["public", "private"]


def agenda_document(meeting: MeetingSpec, style: HouseStyle, pages: dict[int, str]) -> m.Document:
    """The front sheet and agenda; ``pages`` maps item number -> "Pages 7 - 12" (or nothing)."""
    public = [item for item in meeting.items if not item.exempt]
    exempt = [item for item in meeting.items if item.exempt]
    context = {
        "meeting": meeting,
        "public_items": public,
        "exempt_items": exempt,
        "exempt_paragraphs": sorted({item.exempt_paragraph for item in exempt}),
        "pages": {item.number: pages.get(item.number, "") for item in meeting.items},
    }
    return compose_template("meeting/agenda", context, style, number_paragraphs_=False)


@dataclass(frozen=True)
class MinuteEntry:
    item: Item
    number: str
    withheld: bool
    """True when this is the public version of an exempt item's minute."""


def minutes_document(meeting: MeetingSpec, style: HouseStyle, audience: Audience) -> m.Document:
    """The minutes for ``audience``: public withholds every exempt item's minute."""
    entries = [
        MinuteEntry(item, meeting.minute_number(item, style), withheld=item.exempt and audience == "public")
        for item in meeting.items
    ]
    actions: list[tuple[str, Action]] = [
        (entry.number, action)
        for entry in entries
        if entry.item.minute and not entry.withheld
        for action in entry.item.minute.actions
    ]
    context = {
        "meeting": meeting,
        "minutes": entries,
        "present": meeting.present(),
        "substitutes": [a for a in meeting.apologies if a.substitute],
        "in_attendance": meeting.minutes.in_attendance or meeting.officers,
        "actions": actions,
    }
    return compose_template("meeting/minutes", context, style, number_paragraphs_=False)


def has_exempt_minutes(meeting: MeetingSpec) -> bool:
    return any(item.exempt and item.minute for item in meeting.items)
