"""Sending the planned messages over SMTP, one at a time, each recorded in the ledger before and after.

Kept apart from ``delivery`` (the plan) so that smtplib, ssl and the email
package are imported only by a run that sends: a dry run, or a rerun with
nothing to build, starts faster without them.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from reportgen.distribute.delivery import Delivery
from reportgen.distribute.ledger import Entry, Ledger, SentDocument
from reportgen.distribute.mail import Attachment, Letter, Sender, compose_message
from reportgen.distribute.manifest import Manifest

log = logging.getLogger(__name__)

Connect = Callable[[], AbstractContextManager[Sender]]


def send(deliveries: Sequence[Delivery], *, manifest: Manifest, folder: Path, period: str,
         period_label: str, ledger: Ledger, connect: Connect, clock: Callable[[], datetime]) -> None:
    """Send every ``would send`` delivery; update each one's status in place."""
    due = [d for d in deliveries if d.status == "would send"]
    if not due:
        return
    assert manifest.smtp is not None, "check_can_send() runs before any build"
    sender_address = str(manifest.smtp.sender)
    try:
        with connect() as sender:
            for position, delivery in enumerate(due):
                message = compose_message(_letter(delivery, manifest, folder, period, period_label),
                                          sender_address, clock())
                _send_one(sender, message, delivery, ledger, clock)
                if delivery.status == "not sent":  # the connection is gone; the rest wait for a rerun
                    for rest in due[position + 1:]:
                        rest.status, rest.detail = "not sent", delivery.detail
                    break
    except (smtplib.SMTPException, OSError) as error:
        # Could not connect or log in; or the connection failed on close, after every outcome was recorded.
        where = f"{manifest.smtp.host}:{manifest.smtp.port}"  # which server, for whoever reads the cron mail
        for delivery in due:
            if delivery.status == "would send":
                delivery.status, delivery.detail = "not sent", f"SMTP server {where}: {_describe(error)}"


def _send_one(sender: Sender, message: EmailMessage, delivery: Delivery, ledger: Ledger,
              clock: Callable[[], datetime]) -> None:
    message_id = str(message["Message-ID"])
    documents = tuple(SentDocument(d.report, d.format, d.path, d.sha256) for d in delivery.documents)
    email = delivery.recipient.email.lower()
    ledger.record(Entry("sending", message_id, email, documents, clock().isoformat(timespec="seconds")))
    delivery.message_id = message_id
    try:
        sender.send(message)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPException, OSError) as error:
        # No "250 OK" came back, so the server did not take the message (RFC 5321 4.1.1.4).
        _failed(ledger, delivery, message_id, email, documents, clock, error)
        if _connection_lost(error):
            delivery.status = "not sent"
        return
    delivery.status = "sent"
    ledger.record(Entry("sent", message_id, email, documents, clock().isoformat(timespec="seconds")))
    log.info("sent %s to %s", message_id, email)


def _failed(ledger: Ledger, delivery: Delivery, message_id: str, email: str, documents: tuple[SentDocument, ...],
            clock: Callable[[], datetime], error: BaseException) -> None:
    delivery.status, delivery.detail = "failed", f"SMTP server: {_describe(error)}"
    ledger.record(Entry("failed", message_id, email, documents, clock().isoformat(timespec="seconds"),
                        delivery.detail))


def _letter(delivery: Delivery, manifest: Manifest, folder: Path, period: str, period_label: str) -> Letter:
    base = str(manifest.link_base_url or "").rstrip("/")
    documents = [
        Attachment(d.title, d.format, folder / d.path,
                   f"{base}/{period}/{d.path}" if delivery.mode == "link" else None, d.path in delivery.replacing)
        for d in delivery.documents
    ]
    return Letter(delivery.recipient.name, delivery.recipient.email, f"{manifest.title}: {period_label}",
                  period_label, documents, delivery.mode)


def _connection_lost(error: BaseException) -> bool:
    """The connection is gone (not a refusal of this one message); SMTPException is an OSError too."""
    return isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace')}"
                         for addr, (code, msg) in error.recipients.items())
    return str(error) or type(error).__name__
