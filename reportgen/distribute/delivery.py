"""Who gets what: each recipient's documents, less those the ledger says they already have.

Planning is the same for a dry run and a real one; only ``sending.send``
talks to the SMTP server (and only it imports smtplib and email, so a run
that sends nothing does not load them). A recipient waiting for a report that
failed this run is held back whole (they get one complete message on the
rerun, not two halves).

Attachments are measured before anything is sent: a message larger than the
manifest's ``max_message_mb`` would be refused by the mail server (or
bounce later), so that recipient is sent links instead when the folder is
published, and held with the reason when it is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reportgen.distribute.contents import DocumentRecord
from reportgen.distribute.ledger import Ledger
from reportgen.distribute.manifest import Manifest, Recipient

Status = Literal["would send", "sent", "already sent", "held", "failed", "not sent"]


@dataclass
class Delivery:
    """One recipient's message in this run."""

    recipient: Recipient
    documents: list[DocumentRecord]
    """What this run sends them (empty when everything was sent before)."""
    status: Status
    detail: str = ""
    message_id: str = ""
    mode: Literal["attach", "link"] = "attach"
    """How the documents go: the recipient's choice, or links when attachments would be too large."""
    replacing: frozenset[str] = frozenset()
    """Paths of the documents that correct a version the recipient was sent before."""


def plan(manifest: Manifest, records: Mapping[str, Sequence[DocumentRecord]], failed: Sequence[str],
         ledger: Ledger) -> list[Delivery]:
    """Each recipient's documents whose current version the ledger has not sent them, in manifest order."""
    deliveries = []
    for recipient in manifest.recipients:
        waiting = [rid for rid in recipient.reports if rid in failed or not records.get(rid)]
        if waiting:
            deliveries.append(Delivery(recipient, [], "held", f"waiting for {', '.join(waiting)} to build",
                                       mode=recipient.delivery))
            continue
        had = ledger.delivered(recipient.email)
        wanted = [record for rid in recipient.reports for record in records[rid]]
        due = [record for record in wanted if had.get(record.path) != record.sha256]
        delivery = Delivery(recipient, due, "would send" if due else "already sent", mode=recipient.delivery,
                            replacing=frozenset(record.path for record in due if record.path in had))
        if due and recipient.delivery == "attach":
            _fit(delivery, manifest)
        deliveries.append(delivery)
    return deliveries


_MB = 1024 * 1024
_BASE64 = 78 / 57
"""Attachments travel as base64 in lines of 76 characters and CRLF: 78 bytes for every 57."""
_ENVELOPE = 8 * 1024
"""Headers, the message body and each attachment's MIME headers, with room to spare."""


def message_size(documents: Sequence[DocumentRecord]) -> int:
    """The size in bytes of a message carrying ``documents`` as attachments (a slight over-estimate)."""
    return int(sum(d.size for d in documents) * _BASE64) + _ENVELOPE * (1 + len(documents))


def _fit(delivery: Delivery, manifest: Manifest) -> None:
    """Links instead of attachments that would make the message too large for the server; held without links."""
    size = message_size(delivery.documents)
    if size <= manifest.max_message_mb * _MB:
        return
    over = f"attached, the documents would make a {size / _MB:.1f} MB message, over max_message_mb " \
           f"({manifest.max_message_mb:g} MB)"
    if manifest.link_base_url is not None:
        delivery.mode, delivery.detail = "link", f"sent as links: {over}"
    else:
        delivery.status, delivery.detail = "held", f"{over}; set link_base_url to send links instead"
