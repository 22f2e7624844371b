"""What a run did, as text for a person or a cron mail: the reports table and the deliveries."""

from __future__ import annotations

from collections.abc import Sequence

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
    for entry in result.unconfirmed:
        lines.append(f"unconfirmed: {entry.message_id} to {entry.recipient} was handed to the server but the "
                     "run stopped before its answer; it is not sent again: check the mail server's log, and "
                     f"if it was not delivered, run again with --send --resend '{entry.message_id}'")
    return "\n".join(lines)
