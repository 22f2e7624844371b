"""Checks of a meeting file across its fields and against its items' reports; ``load_meeting`` runs them all.

An item's report spec is read too, because it says things the meeting file
must agree with: a report marked exempt on an item that is not would be
printed in the public pack and its minute published, so that stops the build.
A report headed for another committee or date is only warned about: reports
are sometimes taken to a second meeting on purpose, but far more often the
header is last month's, copied. So is an agenda published late: the meeting
may be urgent.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.meeting import MeetingError, MeetingSpec
from reportgen.style import HouseStyle, style_named_in
from reportgen.yamlfile import Loc, Locator, load_model, problem_at

if TYPE_CHECKING:
    from reportgen.spec import Header

log = logging.getLogger(__name__)


def warn_of_public_summaries(meeting: MeetingSpec) -> None:
    """Section 100C(2): the public minutes need a summary when leaving the exempt minute out leaves no fair record."""
    for item in meeting.items:
        if item.exempt and item.minute and not item.minute.public_summary:
            log.warning("item %d (%s): its minute is exempt and has no public_summary, so the public minutes say "
                        "nothing of it; add public_summary (the decision, at least) to the item's minute",
                        item.number, item.title)
        elif not item.exempt and item.minute and item.minute.public_summary:
            log.warning("item %d (%s): public_summary is not printed, as the item is not exempt and its whole "
                        "minute is published; write it in discussion and resolutions", item.number, item.title)


def report_headers(meeting: MeetingSpec, style: HouseStyle) -> dict[int, Header]:
    """Item number -> the header of its report spec (committee, date, key decision, classification)."""
    from reportgen.spec import load_report_spec

    return {
        item.number: load_report_spec(item.report, style.name)[0].header
        for item in meeting.items
        if item.report is not None and item.report.suffix.lower() in (".yaml", ".yml")
    }


def check_item_reports(meeting: MeetingSpec, path: Path, style: HouseStyle) -> None:
    """Every item's report spec valid, and its exemption the item's; warn of reports headed for another meeting."""
    problems = []
    headers = report_headers(meeting, style)
    for index, item in enumerate(meeting.items):
        header = headers.get(item.number)
        if header is None or item.report is None:
            continue
        name = os.path.relpath(item.report, path.parent)
        where = ("items", index, "exempt_paragraph")
        if header.classification == "exempt" and not item.exempt:
            problems.append(problem_at(path, where, (
                f"item {item.number}'s report {name} is exempt (paragraph {header.exempt_paragraph} "
                f"of Schedule 12A) but the item is not; set exempt_paragraph: {header.exempt_paragraph} on the "
                f"item so the report is withheld from the public pack and its minute from the public minutes")))
        elif header.classification == "exempt" and header.exempt_paragraph != item.exempt_paragraph:
            problems.append(problem_at(path, where, (
                f"item {item.number} is exempt under paragraph {item.exempt_paragraph} but its report "
                f"{name} cites paragraph {header.exempt_paragraph}; make them the same")))
        if (header.committee, header.meeting_date) != (meeting.committee, meeting.date) \
                and not item.report_for_another_meeting:
            log.warning("item %d (%s): its report %s is headed for %s, %s, not this meeting (%s, %s); "
                        "correct its header, or set report_for_another_meeting: true on the item if that is intended",
                        item.number, item.title, name, header.committee, f"{header.meeting_date:%-d %B %Y}",
                        meeting.committee, f"{meeting.date:%-d %B %Y}")
    if problems:
        raise MeetingError(problems)


def check_attendance_and_dates(meeting: MeetingSpec, path: Path) -> None:
    """Who sent apologies, substituted and declared, and when the agenda was published, told apart.

    Each of these would print minutes that contradict themselves (a member
    both absent and declaring an interest, a member substituting for
    another), so each stops the build, with the field and its line.
    """
    problems = []
    members = meeting.membership.everyone()
    absent: dict[str, int] = {}
    for index, apology in enumerate(meeting.apologies):
        if apology.member not in members:
            problems.append(problem_at(path, ("apologies", index, "member"),
                                       f"apology from {apology.member!r}, who is not a member of the committee"))
        elif apology.member in absent:
            first = absent[apology.member]
            problems.append(problem_at(path, ("apologies", index, "member"),
                                       f"{apology.member} sent apologies already (apologies[{first}])"))
        absent.setdefault(apology.member, index + 1)  # counted from 1, as the field paths are
        if apology.substitute and apology.substitute in members:
            problems.append(problem_at(path, ("apologies", index, "substitute"), (
                f"{apology.substitute} is a member of the committee, so cannot substitute for {apology.member}; "
                "a substitute is a councillor from outside its membership")))
    numbers = [item.number for item in meeting.items]
    for index, declaration in enumerate(meeting.declarations):
        if declaration.item not in numbers:
            problems.append(problem_at(path, ("declarations", index, "item"),
                                       f"declaration by {declaration.member} names item {declaration.item}, "
                                       "which is not on the agenda"))
        if declaration.member in absent:
            problems.append(problem_at(path, ("declarations", index, "member"), (
                f"{declaration.member} sent apologies for this meeting (apologies[{absent[declaration.member]}]), "
                "so cannot have declared an interest at it")))
    if meeting.published > meeting.date:
        problems.append(problem_at(path, ("published",), (
            f"the agenda's date of publication, {meeting.published:%-d %B %Y}, is after the meeting "
            f"({meeting.date:%-d %B %Y})")))
    if problems:
        raise MeetingError(problems)


def check_chair(meeting: MeetingSpec, path: Path) -> None:
    """The minutes can say who presided: a member present, named in ``minutes.in_the_chair`` when not inferred.

    Only the minutes record it, so only they need it: the agenda is built
    before anyone knows whether the Chair will come.
    """
    present = meeting.present()
    named = meeting.minutes.in_the_chair
    where = ("minutes", "in_the_chair")
    if named and named not in present:
        raise MeetingError([problem_at(path, where, (
            f"{named} is not among the members present ({', '.join(present)}); name the member present who took "
            "the chair"))])
    if meeting.presiding() is None:
        chair, vice = meeting.membership.chair, meeting.membership.vice_chair
        apologies = [a.member for a in meeting.apologies]
        gone = f"sent apologies (apologies[{apologies.index(chair) + 1}])" if chair in apologies \
            else "is not among the members present"
        deputy = f"the Vice-Chair, {vice}, is not present either" if vice else "the committee has no Vice-Chair"
        raise MeetingError([problem_at(path, where, (
            f"the Chair, {chair}, {gone} and {deputy}, so the minutes cannot say who took the chair; set "
            "in_the_chair to the member present who did"))])


def warn_of_doubtful_entries(meeting: MeetingSpec, path: Path) -> None:
    """Entries that may be meant but are far more often a slip, each warned about with its field and line."""
    locator = Locator(path)
    for loc, message in (*_standing_declarations(meeting), *_number_gaps(meeting), *_actions_due_before(meeting)):
        log.warning("%s", problem_at(path, loc, message, locator=locator))


Doubt = tuple[Loc, str]


def _standing_declarations(meeting: MeetingSpec) -> Iterator[Doubt]:
    """Interests are declared in items of business: one in a standing item is mostly the next item's number."""
    items = {item.number: item for item in meeting.items}
    for index, declaration in enumerate(meeting.declarations):
        item = items.get(declaration.item)
        if item is not None and item.standing:
            yield ("declarations", index, "item"), (
                f"declaration by {declaration.member} names item {item.number} ({item.title}), a standing item, "
                "not an item of business; check the item number")


def _number_gaps(meeting: MeetingSpec) -> Iterator[Doubt]:
    """A gap in the item numbers: an item left out or a number mistyped (they are unique and in order by now)."""
    previous = 0
    for index, item in enumerate(meeting.items):
        if item.number > previous + 1:
            gap = item.number - previous - 1
            missing = f"item {previous + 1}" if gap == 1 else \
                f"items {previous + 1} {'and' if gap == 2 else 'to'} {item.number - 1}"
            yield ("items", index, "number"), (
                f"item {item.number} {f'follows item {previous}' if previous else 'is the first'}, so the agenda "
                f"has no {missing}; check the item numbers")
        previous = item.number


def _actions_due_before(meeting: MeetingSpec) -> Iterator[Doubt]:
    """An action agreed at the meeting due before it: a year or month mistyped."""
    for index, item in enumerate(meeting.items):
        for position, action in enumerate(item.minute.actions if item.minute else []):
            if action.due < meeting.date:
                yield ("items", index, "minute", "actions", position, "due"), (
                    f"action {action.action!r} is due on {action.due:%-d %B %Y}, before the meeting "
                    f"({meeting.date:%-d %B %Y}); check the date")


CLEAR_DAYS = 5
"""Section 100B(3) of the Local Government Act 1972: an agenda is open to inspection five clear days before."""


def warn_of_late_publication(meeting: MeetingSpec) -> None:
    """Fewer than five clear working days between publication and the meeting: the agenda may be too late.

    Clear days leave out the day of publication and the day of the meeting;
    weekends are left out too, bank holidays are not known here.
    """
    days = (meeting.date - meeting.published).days
    working = sum((meeting.published + timedelta(days=n)).weekday() < 5 for n in range(1, days))
    if meeting.published <= meeting.date and working < CLEAR_DAYS:
        log.warning("the agenda is published on %s, %d clear working day%s before the meeting on %s; section "
                    "100B(3) of the Local Government Act 1972 asks for %d (unless the item is urgent)",
                    f"{meeting.published:%-d %B %Y}", working, "" if working == 1 else "s",
                    f"{meeting.date:%-d %B %Y}", CLEAR_DAYS)


def load_meeting(path: Path, style_override: str | None = None) -> tuple[MeetingSpec, HouseStyle]:
    style = style_named_in(path, MeetingError, style_override)
    meeting = load_model(path, MeetingSpec, MeetingError, style=style)
    check_attendance_and_dates(meeting, path)
    check_item_reports(meeting, path, style)
    warn_of_doubtful_entries(meeting, path)
    return meeting, style
