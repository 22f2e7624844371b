"""``reportgen distribute MANIFEST --period YYYY-MM``: build, record and deliver a period's reports."""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reportgen.errors import ExitCode, ReportgenError

if TYPE_CHECKING:
    from reportgen.data.types import Period
    from reportgen.distribute.run import ReportResult, RunResult


class PeriodParam(click.ParamType):
    """``2022-03`` -> the month March 2022; any other form, or a month not yet begun, is a usage error (exit 2).

    A mistyped year (2032 for 2022) would otherwise build reports titled for a
    month years away, and with ``--send`` email them to every recipient.
    """

    name = "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Period:
        from reportgen.data.periods import parse_period
        from reportgen.data.types import Period

        if isinstance(value, Period):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
            self.fail(f"{value!r} is not a month in the form YYYY-MM (for example 2022-03)", param, ctx)
        today = date.today()
        if text > f"{today:%Y-%m}":
            self.fail(f"{text} is a month that has not begun (today is {today.day} {today:%B %Y}); "
                      "give the month the reports are for, such as last month", param, ctx)
        return parse_period(text)


class DistributionFailed(ReportgenError):
    """Some reports or messages failed; the summary above says which and why."""


class DeliveryUnconfirmed(ReportgenError):
    """All else done, but messages may or may not have been delivered: a person must check and say which."""

    exit_code = ExitCode.UNCONFIRMED


class _ProgressBar:
    """click's progress bar on stderr, only when stderr is a terminal (never in cron mail)."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        if total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=f"Building {total} report(s)", file=sys.stderr,
                                         show_pos=True, item_show_func=lambda item: item)
            self.bar.__enter__()

    def advance(self, result: ReportResult) -> None:
        if self.bar is not None:
            self.bar.update(1, f"{result.report_id} {result.status}")
            if self.bar.finished:
                self.bar.__exit__(None, None, None)
                self.bar = None


@click.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", required=True, type=PeriodParam(), help="The month to build for, YYYY-MM.")
@click.option("-o", "--output", "out_root", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder to write to; the period's documents go in OUT/<period>/.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Reports built at once (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild every report, changed or not.")
@click.option("--send", is_flag=True, help="Send the emails (without it, only say what would be sent).")
@click.option("--resend", multiple=True, metavar="MESSAGE-ID",
              help="Send again a message the summary lists as unconfirmed, once the mail server's log shows it "
                   "was not delivered (with --send; repeat for several).")
@click.option("--confirm", multiple=True, metavar="MESSAGE-ID",
              help="Record as delivered, without sending it again, a message the summary lists as unconfirmed, "
                   "once the mail server's log shows it was delivered (repeat for several).")
def distribute(manifest: Path, period: Period, out_root: Path, jobs: int | None, force: bool, send: bool,
               resend: tuple[str, ...], confirm: tuple[str, ...]) -> None:
    """Build every report in MANIFEST for a period, list them in index.html and, with --send, email them.

    Reports whose inputs have not changed since the last run are kept, not
    rebuilt. A delivery ledger in the output folder means a rerun sends only
    what was not sent before, so the command is safe to rerun after a failure.
    """
    from reportgen.distribute.run import distribute as run_distribute
    from reportgen.distribute.summary import deliveries_text, reports_table, unconfirmed_text

    progress = _ProgressBar()
    result = run_distribute(manifest, period, out_root, jobs=jobs or os.cpu_count() or 1, force=force,
                            send=send, resend=resend, confirm=confirm, progress=progress)
    click.echo(f"{result.period_label}: {result.folder}")
    click.echo(reports_table(result))
    click.echo()
    click.echo(deliveries_text(result))
    if unconfirmed := unconfirmed_text(result, manifest, out_root):
        click.echo()
        click.echo(unconfirmed)
    if not result.ok:
        raise _not_done(result)


def _not_done(result: RunResult) -> ReportgenError:
    """The error a run that left work for a person ends with: a failure (exit 1) outranks an unconfirmed message."""
    problems = [f"{len(result.failed_reports)} report(s) failed"] if result.failed_reports else []
    if result.failed_deliveries:
        problems.append(f"{len(result.failed_deliveries)} message(s) not sent")
    unconfirmed = sum(len(entries) for entries in result.all_unconfirmed.values())
    if unconfirmed:
        problems.append(f"{unconfirmed} message(s) unconfirmed")
    message = " and ".join(problems) + "; see the summary above"
    if result.failed_reports or result.failed_deliveries:
        return DistributionFailed(message, hint="fix the cause and run the same command again: only what is left "
                                  "is built and sent" + ("; settle each unconfirmed message as the summary says"
                                                         if unconfirmed else ""))
    return DeliveryUnconfirmed(message, hint="check the mail server's log for each Message-ID, then run the "
                               "command the summary gives for what it shows")
