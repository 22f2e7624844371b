"""Who gets what: each recipient's documents, less those the ledger says they already have.

Planning is the same for a dry run and a real one; only ``sending.send``
talks to the SMTP server (and only it imports smtplib and email, so a run
that sends nothing does not load them). A recipient waiting for a report that
failed this run is held back whole (they get one complete message on the
rerun, not two halves).
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


def plan(manifest: Manifest, records: Mapping[str, Sequence[DocumentRecord]], failed: Sequence[str],
         ledger: Ledger) -> list[Delivery]:
    """Each recipient's documents not yet in the ledger, in manifest order."""
    deliveries = []
    for recipient in manifest.recipients:
        waiting = [rid for rid in recipient.reports if rid in failed or not records.get(rid)]
        if waiting:
            deliveries.append(Delivery(recipient, [], "held", f"waiting for {', '.join(waiting)} to build"))
            continue
        had = ledger.delivered(recipient.email)
        wanted = [record for rid in recipient.reports for record in records[rid]]
        due = [record for record in wanted if (record.path, record.sha256) not in had]
        deliveries.append(Delivery(recipient, due, "would send" if due else "already sent"))
    return deliveries
