"""The distribution manifest: which reports to build each period, and who receives them.

Checked in full before anything is built or sent: every problem is listed with
its field path (``recipients.1.reports``), spec and data files must exist, and
the SMTP settings never hold a password, only the name of the environment
variable that does.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    model_validator,
)
from pydantic.networks import NameEmail, validate_email

from reportgen.errors import Problem, SpecError
from reportgen.yamlfile import Locator, load_model, problem_at, read_yaml

NonEmpty = Annotated[str, Field(min_length=1)]
ReportId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""Lower-case letters, digits and hyphens: it names the report's files (``cpp-scrutiny.pdf``)."""
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Format = Literal["docx", "pdf", "html"]
FORMAT_NAMES = {"docx": "Word", "pdf": "PDF", "html": "web page"}
"""What people call each format, in index.html and in the emails."""
RESERVED_IDS = ("index", "manifest", "ledger")
"""File stems the output folder uses itself."""


def _email_address(value: str) -> str:
    """pydantic's ``EmailStr`` check and normal form.

    ``EmailStr`` and ``NameEmail`` import email_validator (tens of milliseconds
    of regular expressions) when the model is defined; ``validate_email`` only
    when an address is checked, so a manifest without recipients, and every
    command that never reads a manifest, does without it.
    """
    return validate_email(value)[1]


def _name_and_address(value: str) -> str:
    """pydantic's ``NameEmail`` check, kept in its text form ``Name <address>``."""
    name, address = validate_email(value)
    return str(NameEmail(name, address))


EmailAddress = Annotated[str, AfterValidator(_email_address)]
NameAndAddress = Annotated[str, AfterValidator(_name_and_address)]


class ManifestError(SpecError):
    what = "distribution manifest"


def _existing_file(value: Path, info: ValidationInfo) -> Path:
    """Resolve against the manifest's folder and insist the file is there."""
    base: Path = (info.context or {}).get("path", Path("manifest.yaml")).parent
    path = value if value.is_absolute() else base / value
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return path.resolve()


ExistingFile = Annotated[Path, AfterValidator(_existing_file)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ReportEntry(_Strict):
    id: ReportId
    """Names the report's files and is how recipients ask for it."""
    spec: ExistingFile
    """The report spec (report.yaml), relative to the manifest."""
    data: list[ExistingFile] = []
    """Data files the report is built from; a change to any of them rebuilds it."""
    formats: list[Format] = Field(["docx", "pdf"], min_length=1)
    as_of: Literal["period", "spec"] = "period"
    """``period``: the spec's data is reported as at ``--period``; ``spec``: as the spec says (a fixed report)."""
    audience: str | None = None
    """Who the report is for, shown in index.html ("Scrutiny members")."""


class Recipient(_Strict):
    name: NonEmpty
    email: EmailAddress
    reports: list[NonEmpty] = Field(min_length=1)
    """Report ids; the recipient gets every format of each."""
    delivery: Literal["attach", "link"] = "attach"
    """Attach the documents, or send links under ``link_base_url``."""


class Smtp(_Strict):
    host: NonEmpty
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    """``starttls`` (usually port 587), ``tls`` (implicit TLS, port 465) or ``none`` (loopback relays only)."""
    username: str | None = None
    password_env: EnvName | None = None
    """Name of the environment variable holding the password; the password is never in the manifest."""
    sender: NameAndAddress
    """The From: address, ``Name <address>`` or a bare address."""
    timeout: float = Field(60, gt=0)
    """Seconds to wait for the server."""

    @model_validator(mode="after")
    def _credentials(self) -> Smtp:
        if self.username and not self.password_env:
            raise ValueError("a username needs password_env: the name of the environment variable "
                             "that holds the password")
        if self.password_env and not self.username:
            raise ValueError("password_env is set but username is not")
        if self.username and self.security == "none" and not _is_loopback(self.host):
            raise ValueError(f"security: none would send the password to {self.host} in clear text; "
                             "use starttls or tls")
        return self


class Manifest(_Strict):
    title: NonEmpty = "Monthly reports"
    """Heading of index.html and the start of each email's subject."""
    link_base_url: HttpUrl | None = None
    """Where the output folder is published; links are ``<link_base_url>/<period>/<file>``."""
    max_message_mb: float = Field(10, gt=0)
    """The largest message the mail server takes, in MB (Exchange's default is 10). A
    recipient whose attachments would make a larger one gets links instead, or, with no
    ``link_base_url``, is held with the reason rather than bounced by the server."""
    reports: list[ReportEntry] = Field(min_length=1)
    recipients: list[Recipient] = []
    smtp: Smtp | None = None

    def report(self, report_id: str) -> ReportEntry:
        return next(entry for entry in self.reports if entry.id == report_id)


def load_manifest(path: Path) -> Manifest:
    """Read and check ``path``: fields, files, and that every name refers to something.

    The cross-references (report ids, recipients) are checked on the YAML as
    written, so they are reported together with any field problems.
    """
    raw = read_yaml(path, ManifestError)
    manifest: Manifest | None = None
    problems: list[Problem] = []
    try:
        manifest = load_model(path, Manifest, ManifestError)
    except ManifestError as error:
        problems += error.problems
    if isinstance(raw, dict):
        problems += _cross_references(raw, path)
    if problems:
        raise ManifestError(problems)
    assert manifest is not None
    return manifest


def check_can_send(manifest: Manifest, path: Path, environ: Mapping[str, str]) -> None:
    """``--send`` needs SMTP settings and, with a username, its password variable set."""
    where = str(path)
    if manifest.recipients and manifest.smtp is None:
        raise ManifestError([Problem(where, "smtp", "--send needs smtp settings (host, port, security, sender)")])
    smtp = manifest.smtp
    if smtp is not None and smtp.password_env and not environ.get(smtp.password_env):
        state = "is not set" if smtp.password_env not in environ else "is empty"
        raise ManifestError(
            [Problem(where, "smtp.password_env", f"environment variable {smtp.password_env} {state}; "
                     "it must hold the SMTP password")],
            hint=f"export {smtp.password_env}=... in the service's environment (never in the manifest)",
        )


def _cross_references(raw: dict[str, Any], path: Path) -> list[Problem]:
    """Ids used twice, recipients naming unknown reports, links with nowhere to point."""
    locator = Locator(path)
    problems = []

    def at(*loc: str | int) -> Callable[[str], Problem]:
        return lambda message: problem_at(path, loc, message, locator=locator)
    reports = _list(raw.get("reports"))
    recipients = _list(raw.get("recipients"))
    seen: set[str] = set()
    for i, entry in enumerate(reports):
        report_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(report_id, str):
            continue
        if report_id in seen:
            problems.append(at("reports", i, "id")(f"report id {report_id!r} is used twice"))
        if report_id in RESERVED_IDS:
            problems.append(at("reports", i, "id")(f"{report_id!r} is reserved for the output folder's own files; "
                                                   "choose another id"))
        seen.add(report_id)
        for twice in _twice(_list(entry.get("formats"))):
            problems.append(at("reports", i, "formats")(f"{twice!r} is listed twice"))
    emails: set[str] = set()
    for i, recipient in enumerate(recipients):
        if not isinstance(recipient, dict):
            continue
        names = _list(recipient.get("reports"))
        for twice in _twice(names):
            problems.append(at("recipients", i, "reports")(f"{twice!r} is listed twice; each report is sent once"))
        unknown = [name for name in names if name not in seen]
        if unknown:
            problems.append(at("recipients", i, "reports")(f"unknown report(s) {', '.join(map(repr, unknown))}; "
                                                           f"the manifest has: {', '.join(sorted(seen)) or '(none)'}"))
        email = str(recipient.get("email", "")).strip().lower()
        if email and email in emails:
            problems.append(at("recipients", i, "email")(f"{email} is listed twice; give each person one entry"))
        emails.add(email)
        if recipient.get("delivery") == "link" and not raw.get("link_base_url"):
            problems.append(at("recipients", i, "delivery")(
                "delivery: link needs link_base_url (where the output folder is published)"))
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _twice(values: list[Any]) -> list[str]:
    """The names that appear more than once, each once, in order of first appearance."""
    return [name for name, count in Counter(v for v in values if isinstance(v, str)).items() if count > 1]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
