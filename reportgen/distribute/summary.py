"""What a run did, as text for a person or a cron mail: the reports table and the deliveries."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from reportgen.distribute.run import RunResult

_DELIVERY_WORDS = {"would send": "would send", "sent": "sent", "already sent": "already sent",
                   "held": "held", "failed": "FAILED", "not sent": "NOT SENT"}


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell; ``right`` lists the columns aligned right (numbers)."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def reports_table(result: RunResult) -> str:
    rows = [[r.report_id, r.status, f"{r.seconds:.1f}", r.reason] for r in result.reports]
    return table(["report", "status", "seconds", "reason"], rows, right=[2])


def deliveries_text(result: RunResult) -> str:
    if not result.deliveries:
        return "No recipients."
    lines = [] if result.sent else ["Dry run: nothing was sent (add --send to send)."]
    rows = []
    for delivery in result.deliveries:
        person = f"{delivery.recipient.name} <{delivery.recipient.email}>"
        how = delivery.mode
        files = ", ".join(d.path for d in delivery.documents) or "-"
        rows.append([person, _DELIVERY_WORDS[delivery.status], how, files, delivery.detail])
    lines.append(table(["recipient", "status", "delivery", "documents", "detail"], rows))
    return "\n".join(lines)


def unconfirmed_text(result: RunResult, manifest: Path, out_root: Path) -> str:
    """Each unconfirmed message of any period, and the two commands that settle it; "" when there are none."""
    found = result.all_unconfirmed
    if not found:
        return ""
    lines = ["Unconfirmed: each message below was handed to the mail server, but the run stopped before the "
             "server's answer was recorded. It may or may not have been delivered, so it is not sent again. "
             "Check the mail server's log for its Message-ID, then run the command for what the log shows:"]
    for period, entries in found.items():
        command = ["reportgen", "distribute", str(manifest), "--period", period, "-o", str(out_root)]
        for entry in entries:
            reports = ", ".join(dict.fromkeys(d.report for d in entry.documents))
            lines += ["", f"{entry.message_id} ({period}): {reports} to {entry.recipient}, handed over {entry.at}",
                      f"  delivered:     {shlex.join([*command, '--confirm', entry.message_id])}",
                      f"  not delivered: {shlex.join([*command, '--send', '--resend', entry.message_id])}"]
    return "\n".join(lines)
