"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1): one message each, never one twice."""

from __future__ import annotations

import email
import json
import shlex
import socket
import ssl
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from functools import partial
from pathlib import Path

import pytest
import trustme
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from reportgen.data.periods import parse_period
from reportgen.distribute import delivery as delivery_module
from reportgen.distribute import mail
from reportgen.distribute.ledger import LEDGER_FILE, Entry, Ledger, LedgerError, SentDocument
from reportgen.distribute.run import distribute
from tests.conftest import REPO
from tests.distribute_helpers import copy_specs, edit_spec, report, write_manifest

MARCH = parse_period("2022-03")
JO = {"name": "Jo Bennett", "email": "jo@example.org", "reports": ["alpha"]}
SAM = {"name": "Sam Okafor", "email": "sam@example.org", "reports": ["alpha", "beta"]}
LEE = {"name": "Lee Carter", "email": "lee@example.org", "reports": ["beta"], "delivery": "link"}


class Inbox:
    """An aiosmtpd handler keeping what it accepts; ``reject`` numbers the DATA commands to refuse."""

    def __init__(self, reject: tuple[int, ...] = ()) -> None:
        self.reject = reject
        self.attempts = 0
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.attempts in self.reject:
            return "554 5.3.0 Test server failing midway"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK"

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        for message in self.messages:
            found.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start servers on random ports; ``start(inbox, **smtp_options)`` returns the port."""
    running = []

    def start(inbox: Inbox, **options) -> int:
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        running.append(controller)
        return controller.port

    yield start
    for controller in running:
        controller.stop()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2022, 4, 1, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def setup(tmp_path: Path, port: int, recipients=(JO, SAM, LEE), **smtp) -> Path:
    copy_specs(tmp_path / "specs")
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "sender": "Reports <reports@example.org>",
                "timeout": 10, **smtp}
    return write_manifest(tmp_path, title="Test reports", link_base_url="https://intranet.example.org/reports",
                          reports=[report("alpha", "specs/alpha.yaml"), report("beta", "specs/beta.yaml")],
                          recipients=list(recipients), smtp=settings)


def send(manifest: Path, out: Path, **options):
    options.setdefault("environ", {})
    return distribute(manifest, MARCH, out, jobs=2, send=True, clock=Clock(), **options)


def ledger_events(out: Path) -> list[tuple[str, str]]:
    return [(e.event, e.recipient) for e in Ledger.open(out / "2022-03").entries]


def test_each_recipient_gets_one_message_with_their_documents(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    result = send(manifest, tmp_path / "out")
    assert result.ok and [d.status for d in result.deliveries] == ["sent", "sent", "sent"]

    received = inbox.by_recipient()
    assert {who: len(messages) for who, messages in received.items()} == {
        "jo@example.org": 1, "sam@example.org": 1, "lee@example.org": 1}
    folder = tmp_path / "out" / "2022-03"
    for who, names in (("jo@example.org", ["alpha.docx", "alpha.html"]),
                       ("sam@example.org", ["alpha.docx", "alpha.html", "beta.docx", "beta.html"])):
        message = received[who][0]
        attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        assert sorted(attachments) == names
        for name, content in attachments.items():
            expected = (folder / name).read_bytes()
            assert (content.encode() if isinstance(content, str) else content) == expected
        # Read by the part's own charset: without one, the web page's no-break spaces came out garbled.
        assert {p.get_content_charset() for p in message.iter_attachments() if p.get_content_maintype() == "text"} \
            == {"utf-8"}
        assert message["Subject"] == "Test reports: March 2022"
        assert message["From"] == "Reports <reports@example.org>"
        assert message["Auto-Submitted"] == "auto-generated"
    docx_part = next(p for p in received["sam@example.org"][0].iter_attachments() if p.get_filename() == "beta.docx")
    assert docx_part.get_content_type() == mail.MIME_TYPES[".docx"]

    link_message = received["lee@example.org"][0]
    assert list(link_message.iter_attachments()) == []
    body = link_message.get_body(("plain",)).get_content()
    assert "Dear Lee Carter," in body and "Foster carer recruitment" in body
    assert "https://intranet.example.org/reports/2022-03/beta.docx" in body

    entries = Ledger.open(folder).entries
    assert [(e.event, e.recipient) for e in entries] == [
        ("sending", "jo@example.org"), ("sent", "jo@example.org"), ("sending", "sam@example.org"),
        ("sent", "sam@example.org"), ("sending", "lee@example.org"), ("sent", "lee@example.org")]
    sent_ids = {e.recipient: e.message_id for e in entries if e.event == "sent"}
    assert sent_ids == {who: messages[0]["Message-ID"] for who, messages in received.items()}
    record = json.loads((folder / "manifest.json").read_text())
    sha = {d["path"]: d["sha256"] for d in record["documents"]}
    assert {d.path: d.sha256 for e in entries for d in e.documents} == sha


def test_a_rerun_sends_nothing_twice(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    send(manifest, tmp_path / "out")
    again = send(manifest, tmp_path / "out")
    assert again.ok and [d.status for d in again.deliveries] == ["already sent"] * 3
    assert len(inbox.messages) == 3


def test_server_failing_midway_records_what_was_sent_and_the_rerun_sends_only_the_rest(tmp_path, smtp_server):
    failing = Inbox(reject=(2,))
    manifest = setup(tmp_path, smtp_server(failing))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "reportgen", "distribute", str(manifest), "--period", "2022-03",
                             "-o", str(out), "--send"], check=False, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "554 5.3.0 Test server failing midway" in result.stdout
    assert "1 message(s) not sent" in result.stderr, result.stdout
    assert sorted(failing.by_recipient()) == ["jo@example.org", "lee@example.org"]
    assert ledger_events(out) == [
        ("sending", "jo@example.org"), ("sent", "jo@example.org"), ("sending", "sam@example.org"),
        ("failed", "sam@example.org"), ("sending", "lee@example.org"), ("sent", "lee@example.org")]

    working = Inbox()
    move_server(manifest, smtp_server(working))
    rerun = send(manifest, out)
    assert rerun.ok
    assert [d.status for d in rerun.deliveries] == ["already sent", "sent", "already sent"]
    assert list(working.by_recipient()) == ["sam@example.org"]
    assert sorted(p.get_filename() for p in working.messages[0].iter_attachments()) == [
        "alpha.docx", "alpha.html", "beta.docx", "beta.html"]


def test_server_down_sends_nothing_and_the_rerun_sends_everything(tmp_path, smtp_server):
    port = free_port()
    manifest = setup(tmp_path, port)  # nothing listens there
    out = tmp_path / "out"
    down = send(manifest, out)
    assert not down.ok and [d.status for d in down.deliveries] == ["not sent"] * 3
    assert down.deliveries[0].detail.startswith(f"SMTP server 127.0.0.1:{port}: ")  # which server it could not reach
    assert ledger_events(out) == []
    assert {r.status for r in down.reports} == {"built"}

    inbox = Inbox()
    move_server(manifest, smtp_server(inbox))
    up = send(manifest, out)
    assert up.ok and [r.status for r in up.reports] == ["unchanged", "unchanged"]
    assert sorted(inbox.by_recipient()) == ["jo@example.org", "lee@example.org", "sam@example.org"]


def move_server(manifest: Path, port: int) -> None:
    """Point the manifest at another server (the same as fixing the mail relay between runs)."""
    fields = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    fields["smtp"]["port"] = port
    manifest.write_text(yaml.safe_dump(fields, sort_keys=False), encoding="utf-8")


def kill_run_after_handing_over_jos_message(manifest: Path, out: Path) -> None:
    """Build (dry run), then leave a 'sending' line for Jo with no answer, as a run killed mid-send would."""
    distribute(manifest, MARCH, out, jobs=2, clock=Clock(), environ={})
    folder = out / "2022-03"
    record = json.loads((folder / "manifest.json").read_text())
    alpha = tuple(SentDocument(d["report"], d["format"], d["path"], d["sha256"])
                  for d in record["documents"] if d["report"] == "alpha")
    Ledger.open(folder).record(Entry("sending", "<killed@example.org>", "jo@example.org", alpha, "2022-04-01T06:00:00"))


def test_a_message_with_no_answer_recorded_is_never_sent_again(tmp_path, smtp_server):
    """A run killed after handing Jo's message to the server but before writing its answer."""
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    kill_run_after_handing_over_jos_message(manifest, out)

    result = send(manifest, out)
    assert [d.status for d in result.deliveries] == ["already sent", "sent", "sent"]
    assert sorted(inbox.by_recipient()) == ["lee@example.org", "sam@example.org"]
    assert [e.message_id for e in result.unconfirmed] == ["<killed@example.org>"]


def cli(manifest: Path, out: Path, *args: str, period: str = "2022-03") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", "distribute", str(manifest), "--period", period,
                           "-o", str(out), *args], check=False, capture_output=True, text=True, cwd=REPO)


def settle_as_told(stdout: str, message_id: str, found: str) -> subprocess.CompletedProcess[str]:
    """Run the command a summary gives for ``message_id`` when the mail log shows it ``found``."""
    lines = stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{message_id} ("))
    command = next(line for line in lines[at + 1:at + 3] if line.startswith(f"  {found}: ")).split(": ", 1)[1]
    program, subcommand, *args = shlex.split(command)
    assert (program, subcommand) == ("reportgen", "distribute")
    return subprocess.run([sys.executable, "-m", "reportgen", "distribute", *args], check=False,
                          capture_output=True, text=True, cwd=REPO)


def test_a_run_leaving_a_message_unconfirmed_lists_it_with_what_to_do_and_exits_3(tmp_path, smtp_server):
    """A scheduled run that exits 0 is never looked at: an unconfirmed message must make it exit non-zero."""
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    kill_run_after_handing_over_jos_message(manifest, out)
    rerun = cli(manifest, out, "--send")
    assert rerun.returncode == 3, rerun.stdout + rerun.stderr
    assert rerun.stderr.startswith("error: 1 message(s) unconfirmed; see the summary above\n  hint: check the mail "
                                   "server's log") and "Traceback" not in rerun.stderr
    assert sorted(inbox.by_recipient()) == ["lee@example.org", "sam@example.org"]  # the others went as usual
    lines = rerun.stdout.splitlines()
    assert "<killed@example.org> (2022-03): alpha to jo@example.org, handed over 2022-04-01T06:00:00" in lines
    command = f"reportgen distribute {manifest} --period 2022-03 -o {out}"
    assert f"  delivered:     {command} --confirm '<killed@example.org>'" in lines
    assert f"  not delivered: {command} --send --resend '<killed@example.org>'" in lines

    confirmed = settle_as_told(rerun.stdout, "<killed@example.org>", "delivered")
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert "Unconfirmed" not in confirmed.stdout and "unconfirmed" not in confirmed.stderr
    last = Ledger.open(out / "2022-03").entries[-1]
    assert (last.event, last.message_id, last.recipient) == ("sent", "<killed@example.org>", "jo@example.org")
    assert "(--confirm); not sent again" in last.detail
    again = send(manifest, out)
    assert again.ok and [d.status for d in again.deliveries] == ["already sent"] * 3
    assert "jo@example.org" not in inbox.by_recipient()  # confirmed, so never sent a second copy


def test_an_unconfirmed_message_found_not_delivered_is_sent_again_with_resend(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    kill_run_after_handing_over_jos_message(manifest, out)
    first = cli(manifest, out, "--send")
    assert first.returncode == 3, first.stdout + first.stderr
    assert "--send --resend '<killed@example.org>'" in first.stdout
    assert "jo@example.org" not in inbox.by_recipient()

    resent = send(manifest, out, resend=["killed@example.org"])  # the brackets may be left off
    assert resent.ok and resent.unconfirmed == []
    assert [d.status for d in resent.deliveries] == ["sent", "already sent", "already sent"]
    (jo,) = inbox.by_recipient()["jo@example.org"]
    assert sorted(p.get_filename() for p in jo.iter_attachments()) == ["alpha.docx", "alpha.html"]
    failed = [e for e in Ledger.open(out / "2022-03").entries if e.event == "failed"]
    assert [(e.message_id, e.recipient) for e in failed] == [("<killed@example.org>", "jo@example.org")]
    assert "mail server's log" in failed[0].detail

    again = send(manifest, out)  # and never a third time
    assert [d.status for d in again.deliveries] == ["already sent"] * 3 and len(inbox.messages) == 3


def test_an_earlier_months_unconfirmed_message_is_listed_by_every_run_until_it_is_settled(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    kill_run_after_handing_over_jos_message(manifest, out)  # in March's folder
    send(manifest, out)  # March's other messages
    april = cli(manifest, out, "--send", period="2022-04")
    assert april.returncode == 3, april.stdout + april.stderr
    assert [m["Subject"] for m in inbox.by_recipient()["jo@example.org"]] == ["Test reports: April 2022"]
    assert "<killed@example.org> (2022-03): alpha to jo@example.org, handed over 2022-04-01T06:00:00" \
        in april.stdout.splitlines()

    resent = settle_as_told(april.stdout, "<killed@example.org>", "not delivered")
    assert resent.returncode == 0, resent.stdout + resent.stderr
    assert [m["Subject"] for m in inbox.by_recipient()["jo@example.org"]] == [
        "Test reports: April 2022", "Test reports: March 2022"]
    assert len(inbox.messages) == 6  # March's two, April's three, and Jo's March again: nothing else
    later = cli(manifest, out, "--send", period="2022-04")
    assert later.returncode == 0 and "Unconfirmed" not in later.stdout, later.stdout + later.stderr


def test_another_months_damaged_ledger_is_warned_about_and_does_not_stop_the_run(tmp_path, smtp_server, caplog):
    manifest = setup(tmp_path, smtp_server(Inbox()))
    february = tmp_path / "out" / "2022-02"
    february.mkdir(parents=True)
    (february / LEDGER_FILE).write_text('{"event": "sending"\n', encoding="utf-8")
    result = send(manifest, tmp_path / "out")
    assert result.ok and [d.status for d in result.deliveries] == ["sent"] * 3
    assert f"{february / LEDGER_FILE}, line 1: not a ledger entry" in caplog.text
    assert "its unconfirmed messages cannot be listed" in caplog.text


@pytest.mark.parametrize("args, message", [
    (["--resend", "<killed@example.org>"], "--resend needs --send"),
    (["--send", "--resend", "<nobody@example.org>"],
     "not an unconfirmed message of 2022-03: <nobody@example.org> (unconfirmed: <killed@example.org>)"),
    (["--confirm", "nobody@example.org"],
     "not an unconfirmed message of 2022-03: <nobody@example.org> (unconfirmed: <killed@example.org>)"),
    (["--send", "--resend", "<killed@example.org>", "--confirm", "killed@example.org"],
     "given to both --resend and --confirm: <killed@example.org>"),
])
def test_resend_and_confirm_are_refused_unless_they_name_an_unconfirmed_message_once(tmp_path, smtp_server, args,
                                                                                     message):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    kill_run_after_handing_over_jos_message(manifest, out)
    before = (out / "2022-03" / LEDGER_FILE).read_bytes()
    result = cli(manifest, out, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert inbox.messages == [] and (out / "2022-03" / LEDGER_FILE).read_bytes() == before


def test_an_updated_report_is_sent_again_only_to_its_readers_and_alone(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    out = tmp_path / "out"
    send(manifest, out)
    edit_spec(tmp_path / "specs" / "beta.yaml", summary="Corrected figures for March.")
    result = send(manifest, out)
    assert [r.status for r in result.reports] == ["unchanged", "built"]
    assert [d.status for d in result.deliveries] == ["already sent", "sent", "sent"]
    later = inbox.messages[3:]
    assert sorted(m["To"].addresses[0].addr_spec for m in later) == ["lee@example.org", "sam@example.org"]
    sam = next(m for m in later if m["To"].addresses[0].addr_spec == "sam@example.org")
    assert sorted(p.get_filename() for p in sam.iter_attachments()) == ["beta.docx", "beta.html"]
    # A reader can tell a correction from a second copy, in the inbox and in the message.
    assert {m["Subject"] for m in inbox.messages[:3]} == {"Test reports: March 2022"}
    assert {m["Subject"] for m in later} == {"Test reports: March 2022 (updated)"}
    assert "(updated: this replaces the version sent to you earlier)" in sam.get_body(("plain",)).get_content()


def test_a_report_corrected_back_to_an_earlier_version_is_sent_again(tmp_path, smtp_server):
    """Readers hold the last version sent, not every version ever sent: A, then B, then A again reaches them."""
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox), recipients=(LEE,))
    out = tmp_path / "out"
    spec = tmp_path / "specs" / "beta.yaml"
    first = spec.read_text(encoding="utf-8")
    send(manifest, out)
    edit_spec(spec, summary="Figures for March, with an error.")
    send(manifest, out)
    spec.write_text(first, encoding="utf-8")
    result = send(manifest, out)
    assert [d.status for d in result.deliveries] == ["sent"]
    assert len(inbox.messages) == 3
    first, again = (inbox.messages[i].get_body(("plain",)).get_content().splitlines() for i in (0, 2))
    title = next(line for line in first if line.startswith("- "))
    assert again == [f"{line} (updated: this replaces the version sent to you earlier)" if line == title else line
                     for line in first]
    assert inbox.messages[2]["Subject"].endswith("(updated)")
    assert [d.status for d in send(manifest, out).deliveries] == ["already sent"]  # and only once


def test_a_damaged_ledger_stops_the_run_before_anything_is_built(tmp_path, smtp_server):
    manifest = setup(tmp_path, smtp_server(Inbox()))
    folder = tmp_path / "out" / "2022-03"
    folder.mkdir(parents=True)
    (folder / LEDGER_FILE).write_text('{"event": "sending"\n', encoding="utf-8")
    with pytest.raises(LedgerError, match=r"ledger.jsonl, line 1: not a ledger entry"):
        send(manifest, tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == [".distribute.lock", LEDGER_FILE]  # nothing built


def test_recipients_of_a_failed_report_are_held_and_the_others_are_sent(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox))
    edit_spec(tmp_path / "specs" / "beta.yaml", recommendations=[])
    result = send(manifest, tmp_path / "out")
    assert [r.status for r in result.reports] == ["built", "failed"]
    assert [d.status for d in result.deliveries] == ["sent", "held", "held"]
    assert "waiting for beta" in result.deliveries[1].detail
    assert list(inbox.by_recipient()) == ["jo@example.org"]


def test_the_message_size_estimate_is_never_below_what_the_server_receives(tmp_path, smtp_server):
    inbox = Inbox()
    sizes: list[int] = []
    original = inbox.handle_DATA

    async def measure(server, session, envelope):
        sizes.append(len(envelope.content))
        return await original(server, session, envelope)

    inbox.handle_DATA = measure
    result = send(setup(tmp_path, smtp_server(inbox), recipients=(JO, SAM)), tmp_path / "out")
    assert [d.status for d in result.deliveries] == ["sent", "sent"]
    for delivery, received in zip(result.deliveries, sizes):
        estimate = delivery_module.message_size(delivery.documents)
        assert received <= estimate < received * 1.2 + 40_000, (received, estimate)


def test_attachments_too_large_for_the_server_go_as_links(tmp_path, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox, data_size_limit=160_000)  # the server refuses larger messages, as Exchange does
    manifest = setup(tmp_path, port, recipients=(JO, SAM))
    raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    raw["max_message_mb"] = 0.15  # 157 KB: Jo's one report (about 120 KB attached) fits, Sam's two do not
    manifest.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = send(manifest, tmp_path / "out")
    jo, sam = result.deliveries
    assert (jo.status, jo.mode, sam.status, sam.mode) == ("sent", "attach", "sent", "link"), sam.detail
    assert "sent as links: attached, the documents would make a" in sam.detail
    assert "over max_message_mb (0.15 MB)" in sam.detail
    from reportgen.distribute.summary import deliveries_text

    sam_line = next(line for line in deliveries_text(result).splitlines() if line.startswith("Sam Okafor"))
    assert sam_line.split()[3:5] == ["sent", "link"] and "sent as links" in sam_line
    received = inbox.by_recipient()
    assert len(list(received["jo@example.org"][0].iter_attachments())) == 2
    to_sam = received["sam@example.org"][0]
    assert list(to_sam.iter_attachments()) == []
    assert "https://intranet.example.org/reports/2022-03/beta.docx" in to_sam.get_body(("plain",)).get_content()


def test_attachments_too_large_with_nowhere_to_link_are_held_with_the_reason(tmp_path, smtp_server):
    inbox = Inbox()
    manifest = setup(tmp_path, smtp_server(inbox), recipients=(JO, SAM))
    raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    raw["max_message_mb"], raw["link_base_url"] = 0.15, None
    manifest.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = send(manifest, tmp_path / "out")
    assert [d.status for d in result.deliveries] == ["sent", "held"] and not result.ok
    assert result.deliveries[1].detail.endswith("; set link_base_url to send links instead")
    assert list(inbox.by_recipient()) == ["jo@example.org"]
    assert ledger_events(tmp_path / "out") == [("sending", "jo@example.org"), ("sent", "jo@example.org")]


def tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A throwaway CA: the server's context with its certificate, and a client context that trusts it."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    return server_context, client_context


def test_starttls_and_login_with_the_password_from_the_environment(tmp_path, smtp_server):
    server_context, client_context = tls_contexts()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret pass", handled=False)

    inbox = Inbox()
    port = smtp_server(inbox, tls_context=server_context, require_starttls=True, auth_required=True,
                       authenticator=authenticator)
    manifest = setup(tmp_path, port, recipients=[JO], security="starttls", username="reportgen",
                     password_env="TEST_SMTP_PASSWORD")
    result = send(manifest, tmp_path / "out", environ={"TEST_SMTP_PASSWORD": "s3cret pass"},
                  connect=partial(mail.connect, tls_context=client_context))
    assert result.ok, [d.detail for d in result.deliveries]
    assert logins == [(b"reportgen", b"s3cret pass")]
    assert list(inbox.by_recipient()) == ["jo@example.org"]
    assert "s3cret" not in (tmp_path / "out" / "2022-03" / LEDGER_FILE).read_text()


def test_wrong_password_is_reported_and_nothing_is_recorded_as_sent(tmp_path, smtp_server):
    server_context, client_context = tls_contexts()
    port = smtp_server(Inbox(), tls_context=server_context, require_starttls=True, auth_required=True,
                       authenticator=lambda *args: AuthResult(success=False, handled=False))
    manifest = setup(tmp_path, port, recipients=[JO], security="starttls", username="reportgen",
                     password_env="TEST_SMTP_PASSWORD")
    result = send(manifest, tmp_path / "out", environ={"TEST_SMTP_PASSWORD": "wrong"},
                  connect=partial(mail.connect, tls_context=client_context))
    assert not result.ok and result.deliveries[0].status == "not sent"
    assert "535" in result.deliveries[0].detail
    assert ledger_events(tmp_path / "out") == []
