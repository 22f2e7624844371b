"""Email: one message per recipient, documents attached or linked, sent over SMTP.

The password is read only from the environment variable the manifest names,
at the moment of logging in, and never logged. ``starttls`` upgrades a plain
connection (port 587); ``tls`` is TLS from the first byte (port 465); both
verify the server's certificate. ``none`` is for a relay on the same machine.
"""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Protocol

from reportgen.distribute.manifest import FORMAT_NAMES, Smtp

MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html",
}


@dataclass(frozen=True)
class Attachment:
    """One document as a recipient receives it."""

    report_title: str
    format: str
    file: Path
    url: str | None = None
    """Set for link delivery."""
    replaces: bool = False
    """The recipient was sent another version of this document before: this one corrects it."""


@dataclass(frozen=True)
class Letter:
    """What one recipient is sent; the words of the message."""

    name: str
    email: str
    subject: str
    period_label: str
    documents: Sequence[Attachment]
    delivery: str


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def compose_message(letter: Letter, sender: str, sent_at: datetime) -> EmailMessage:
    """The message for ``letter``, with a fresh Message-ID (read it back from ``message["Message-ID"]``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((letter.name, letter.email))
    corrected = any(document.replaces for document in letter.documents)
    message["Subject"] = f"{letter.subject} (updated)" if corrected else letter.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to an automated sender
    message.set_content(_body(letter))
    if letter.delivery == "attach":
        for document in letter.documents:
            maintype, _, subtype = _mime_type(document.file).partition("/")
            # A text part without a charset is US-ASCII (RFC 2046): a client showing the web page
            # inline would garble every £, en dash and no-break space in it.
            params = {"charset": "utf-8"} if maintype == "text" else None
            message.add_attachment(document.file.read_bytes(), maintype=maintype, subtype=subtype,
                                   filename=document.file.name, params=params)
    return message


def _body(letter: Letter) -> str:
    verb = "attached" if letter.delivery == "attach" else "ready to read"
    lines = [f"Dear {letter.name},", "", f"The reports for {letter.period_label} are {verb}:", ""]
    titles: dict[str, list[Attachment]] = {}
    for document in letter.documents:
        titles.setdefault(document.report_title, []).append(document)
    for title, documents in titles.items():
        note = " (updated: this replaces the version sent to you earlier)" if any(d.replaces for d in documents) else ""
        if letter.delivery == "attach":
            formats = ", ".join(f"{FORMAT_NAMES.get(d.format, d.format)} ({d.file.name})" for d in documents)
            lines.append(f"- {title}{note}: {formats}")
        else:
            lines.append(f"- {title}{note}")
            lines += [f"    {FORMAT_NAMES.get(d.format, d.format)}: {d.url}" for d in documents]
    lines += ["", "This message was sent automatically; please do not reply to it."]
    return "\n".join(lines) + "\n"


def _mime_type(path: Path) -> str:
    return MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class SmtpSender:
    """An open, logged-in SMTP connection."""

    def __init__(self, client: smtplib.SMTP) -> None:
        self.client = client

    def send(self, message: EmailMessage) -> None:
        refused = self.client.send_message(message)
        if refused:  # some recipients accepted, some not: only one per message here, so never reached
            raise smtplib.SMTPRecipientsRefused(refused)


@contextmanager
def connect(settings: Smtp, environ: Mapping[str, str],
            tls_context: ssl.SSLContext | None = None) -> Iterator[SmtpSender]:
    """Open a connection as ``settings`` say; the caller sends, then it is closed politely."""
    context = tls_context or ssl.create_default_context()
    client: smtplib.SMTP
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username and settings.password_env:
            client.login(settings.username, environ[settings.password_env])
        yield SmtpSender(client)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
