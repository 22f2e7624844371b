"""The delivery ledger: ``OUT/<period>/ledger.jsonl``, one JSON line per event, never rewritten.

Each message is recorded twice: ``sending`` before it goes to the SMTP server
and ``sent`` (or ``failed``) once the server has answered. A rerun skips each
document whose current version is the one its recipient was last sent, so
nobody gets the same document twice, and a correction (even back to an
earlier version) reaches everyone who had the version before it. A
``sending`` line with no answer means the run stopped while the server had the
message: it may have been delivered, so it is treated as sent (never twice)
and reported as unconfirmed with its Message-ID, for a person to check the
mail log (``unconfirmed``; those of other periods' folders too,
``unconfirmed_elsewhere``, so one is never forgotten). If the log shows it was
not delivered, ``--resend MESSAGE-ID`` records it as failed, and the same run
sends it again; if it was delivered, ``--confirm MESSAGE-ID`` records it as
sent (``settle``).

Each append rewrites the file through a temporary file and a rename with
fsync (``write_atomically``), so a crash leaves the old ledger or the new one,
never a torn line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportgen.errors import InputError, ReportgenError
from reportgen.output import write_atomically

log = logging.getLogger(__name__)

LEDGER_FILE = "ledger.jsonl"
Event = Literal["sending", "sent", "failed"]


class LedgerError(ReportgenError):
    """The ledger cannot be read: sending now could send someone a document twice."""


class MessageIdError(InputError):
    """A Message-ID given to ``--resend`` or ``--confirm`` is not one of the period's unconfirmed messages."""


@dataclass(frozen=True)
class SentDocument:
    report: str
    format: str
    path: str
    sha256: str


@dataclass(frozen=True)
class Entry:
    event: Event
    message_id: str
    recipient: str
    """The recipient's email address (lower case)."""
    documents: tuple[SentDocument, ...]
    at: str
    detail: str = ""
    """Why a message failed, or who found out that it was delivered."""

    def to_json(self) -> str:
        record: dict[str, Any] = {
            "event": self.event, "message_id": self.message_id, "recipient": self.recipient,
            "documents": [vars(d) for d in self.documents], "at": self.at,
        }
        if self.detail:
            record["detail"] = self.detail
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Entry:
        record = json.loads(line)
        return cls(record["event"], record["message_id"], record["recipient"],
                   tuple(SentDocument(**d) for d in record["documents"]), record["at"], record.get("detail", ""))


class Ledger:
    """The ledger of one period's folder, read once and appended to."""

    def __init__(self, path: Path, entries: Sequence[Entry]) -> None:
        self.path = path
        self.entries = list(entries)

    @classmethod
    def open(cls, folder: Path) -> Ledger:
        path = folder / LEDGER_FILE
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return cls(path, [])
        entries = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entries.append(Entry.from_json(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise LedgerError(f"{path}, line {number}: not a ledger entry ({exc})",
                                  hint="the ledger is what stops duplicate emails; restore it rather "
                                  "than deleting it") from None
        return cls(path, entries)

    def record(self, entry: Entry) -> None:
        """Append ``entry``; it is on disk (fsync'd) when this returns."""
        self.entries.append(entry)
        text = "".join(e.to_json() + "\n" for e in self.entries)
        write_atomically(self.path, text.encode("utf-8"))

    def delivered(self, recipient: str) -> dict[str, str]:
        """Path -> sha256 of the version of each document ``recipient`` was last sent, or possibly sent.

        The last version, not every version: a report corrected back to an
        earlier version must reach the readers who were sent the one between.
        """
        outcome = self._outcomes()
        latest: dict[str, str] = {}
        for entry in self.entries:  # in the order they were recorded
            if (entry.event == "sending" and entry.recipient == recipient.lower()
                    and outcome.get(entry.message_id) != "failed"):
                latest.update((d.path, d.sha256) for d in entry.documents)
        return latest

    def unconfirmed(self) -> list[Entry]:
        """Messages handed to the server whose answer was never recorded."""
        outcome = self._outcomes()
        return [e for e in self.entries if e.event == "sending" and e.message_id not in outcome]

    def settle(self, *, resend: Sequence[str] = (), confirm: Sequence[str] = (), at: str) -> None:
        """Record what a person found in the mail server's log about unconfirmed messages.

        ``resend``: not delivered, so recorded as failed and their documents
        sent again; ``confirm``: delivered, so recorded as sent, with nothing
        sent. Only a message whose answer was never recorded is accepted: one
        that was sent, or failed and was sent again since, is refused, as is
        any unknown ID or one given both ways, before anything is recorded,
        so neither option can send a document twice.
        """
        unconfirmed = {e.message_id: e for e in self.unconfirmed()}
        resend, confirm = _message_ids(resend), _message_ids(confirm)
        unknown = [m for m in (*resend, *confirm) if m not in unconfirmed]
        if unknown:
            listed = ", ".join(sorted(unconfirmed)) or "none"
            raise MessageIdError(f"not an unconfirmed message of {self.path.parent.name}: "
                                 f"{', '.join(dict.fromkeys(unknown))} (unconfirmed: {listed})",
                                 hint="--resend and --confirm take a Message-ID from the 'unconfirmed' lines "
                                 "of a summary, with the --period they give")
        both = [m for m in resend if m in confirm]
        if both:
            raise MessageIdError(f"given to both --resend and --confirm: {', '.join(both)}",
                                 hint="--resend if the mail server's log shows it was not delivered, "
                                 "--confirm if it shows it was")
        for message_id in resend:
            self._answer(unconfirmed[message_id], "failed", at, _RESENT)
        for message_id in confirm:
            self._answer(unconfirmed[message_id], "sent", at, _CONFIRMED)

    def _answer(self, sending: Entry, event: Event, at: str, detail: str) -> None:
        self.record(Entry(event, sending.message_id, sending.recipient, sending.documents, at, detail))

    def _outcomes(self) -> dict[str, Event]:
        return {e.message_id: e.event for e in self.entries if e.event != "sending"}


_RESENT = "not delivered, according to the mail server's log; sent again (--resend)"
_CONFIRMED = "delivered, according to the mail server's log (--confirm); not sent again"


def _message_ids(given: Sequence[str]) -> list[str]:
    """Each Message-ID once, as a mail log prints it, "<id@host>", whether or not it was given so."""
    stripped = (m.strip() for m in given)
    return list(dict.fromkeys(m if m.startswith("<") else f"<{m}>" for m in stripped))


def unconfirmed_elsewhere(folders: Sequence[Path]) -> dict[str, list[Entry]]:
    """Folder name (period) -> the unconfirmed messages in its ledger, for the folders that have any.

    A ledger that cannot be read is warned about and passed over: it is that
    period's run that must stop on it, not this one.
    """
    found: dict[str, list[Entry]] = {}
    for folder in sorted(folders):
        try:
            unconfirmed = Ledger.open(folder).unconfirmed()
        except LedgerError as error:
            log.warning("%s; its unconfirmed messages cannot be listed", error.message)
            continue
        if unconfirmed:
            found[folder.name] = unconfirmed
    return found
