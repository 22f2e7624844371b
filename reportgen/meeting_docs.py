"""Agenda and minutes: a meeting file becomes document models through the shared templates.

Both go through the same template -> HTML -> model path as a report, so the
Word and PDF writers, the house style and the accessibility checks all apply
unchanged. Exempt (Part II) content is decided here, in one place: the public
minutes withhold the minute of an exempt item, printing only its
``public_summary``; the private minutes keep it, and say on every page that
they are not for publication.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from reportgen import model as m
from reportgen.meeting import Action, Exclusion, Item, MeetingSpec
from reportgen.meeting_checks import report_headers
from reportgen.pipeline import compose_template
from reportgen.style import HouseStyle

Audience = Literal["public", "private"]


def agenda_document(meeting: MeetingSpec, style: HouseStyle, pages: dict[int, str],
                    audience: Audience = "public") -> m.Document:
    """The front sheet and agenda; ``pages`` maps item number -> "Pages 7 to 12" (or nothing).

    The private pack's copy says on its front sheet, and in its running
    header, that it is not for publication.
    """
    public = [item for item in meeting.items if not item.exempt]
    exempt = [item for item in meeting.items if item.exempt]
    context = {
        "meeting": meeting,
        "private": audience == "private" and bool(exempt),
        "public_items": public,
        "exempt_items": exempt,
        "exclusion": Exclusion(tuple(exempt)) if exempt else None,
        "pages": {item.number: pages.get(item.number, "") for item in meeting.items},
        "headers": report_headers(meeting, style),
    }
    return compose_template("meeting/agenda", context, style, number_paragraphs_=False)


@dataclass(frozen=True)
class MinuteEntry:
    number: str
    item: Item | None
    """None for the resolution excluding the press and public."""
    exclusion: Exclusion | None = None
    withheld: bool = False
    """True when this is the public version of an exempt item's minute."""
    left: tuple[str, ...] = ()
    """Members who declared an interest and left the meeting during the item."""


def minutes_document(meeting: MeetingSpec, style: HouseStyle, audience: Audience) -> m.Document:
    """The minutes for ``audience``: public withholds every exempt item's minute, showing its public summary."""
    exempt = [item for item in meeting.items if item.exempt]
    entries = []
    for entry, number in meeting.minute_numbers(style):
        if isinstance(entry, Exclusion):
            entries.append(MinuteEntry(number, None, exclusion=entry))
        else:
            left = tuple(d.member for d in meeting.declarations if d.item == entry.number and d.left_meeting)
            entries.append(MinuteEntry(number, entry, withheld=entry.exempt and audience == "public", left=left))
    actions: list[tuple[str, Action]] = [
        (entry.number, action)
        for entry in entries
        if entry.item and entry.item.minute and not entry.withheld
        for action in entry.item.minute.actions
    ]
    context = {
        "meeting": meeting,
        "private": audience == "private" and bool(exempt),
        "minutes": entries,
        "items": {item.number: item for item in meeting.items},
        "minute_of": {entry.item.number: entry.number for entry in entries if entry.item},
        "exempt": Exclusion(tuple(exempt)) if exempt else None,
        "present": _present_and_their_parts(meeting),
        "substitutes": [a for a in meeting.apologies if a.substitute],
        "in_attendance": meeting.minutes.in_attendance or meeting.officers,
        "actions": actions,
    }
    return _keep_signature_with_the_record(compose_template("meeting/minutes", context, style,
                                                            number_paragraphs_=False))


def _present_and_their_parts(meeting: MeetingSpec) -> list[tuple[str, str]]:
    """Each member present and their part, the one who presided first: ("Tom Whitfield", "Vice-Chair, in the Chair")."""
    presiding = meeting.presiding()
    roles = {meeting.membership.chair: "Chair", meeting.membership.vice_chair: "Vice-Chair"}

    def part(name: str) -> str:
        role = roles.get(name, "")
        if name != presiding or role == "Chair":
            return role
        return ", ".join(filter(None, [role, "in the Chair"]))

    return [(name, part(name)) for name in sorted(meeting.present(), key=lambda name: name != presiding)]


def _keep_signature_with_the_record(document: m.Document) -> m.Document:
    """The block before "Signed" keeps with it, so the Chair never signs a page holding nothing else."""
    blocks = list(document.blocks)
    at = next(i for i, block in enumerate(blocks) if isinstance(block, m.Heading) and block.id == "signature")
    before = blocks[at - 1]
    if isinstance(before, (m.Table, m.ListBlock, m.Paragraph)):
        blocks[at - 1] = replace(before, role=" ".join(filter(None, [before.role, m.KEEP_WITH_NEXT_ROLE])))
    return replace(document, blocks=tuple(blocks))


def has_exempt_minutes(meeting: MeetingSpec) -> bool:
    return any(item.exempt and item.minute for item in meeting.items)
