"""The ``reportgen`` command line: a thin, lazy click group.

Each subcommand lives in its own module under ``reportgen.commands`` and is
imported only when it runs, so ``reportgen --help`` starts without pandas or
WeasyPrint. This is the only place that turns a ``ReportgenError`` into a
message and an exit status; users never see a traceback for bad input.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, NoReturn

import click

from reportgen import __version__
from reportgen.errors import ExitCode, ReportgenError
from reportgen.runtime import Terminated, stop_on_sigterm, tune_process

# name -> (module under reportgen.commands, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Build a report from a spec file to Word, PDF and HTML."),
    "templates": ("listing", "List the document templates available."),
    "styles": ("listing", "List the house styles available."),
    "statements": ("statements", "Print the narrative statements for one measure."),
    "check": ("check", "Validate data files against a data contract."),
    "agenda": ("meeting", "Build a meeting's agenda (Word, PDF) with page ranges in the pack."),
    "pack": ("meeting", "Build a meeting's public and private agenda packs (PDF)."),
    "minutes": ("meeting", "Build a meeting's minutes (Word, PDF)."),
    "distribute": ("distribute", "Build, record and email every report of a manifest for one month."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, not at start-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        module = importlib.import_module(f"reportgen.commands.{module_name}")
        command: click.Command = getattr(module, cmd_name.replace("-", "_"))
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Use the help text from the table so --help imports no command module.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="reportgen")
@click.option("-v", "--verbose", count=True, help="Show more log messages (-vv for debug).")
def cli(verbose: int) -> None:
    """reportgen: council reports with checked statements, in Word, PDF and HTML."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script and ``python -m reportgen``."""
    tune_process()
    try:
        with stop_on_sigterm():
            return cli.main(args=argv, prog_name="reportgen", standalone_mode=False)
    except ReportgenError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(int(error.exit_code))
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.exceptions.Abort as abort:  # click's form of Ctrl-C, and of SIGTERM (a KeyboardInterrupt)
        _stopped(abort.__cause__)
    except KeyboardInterrupt as interrupt:  # one before or after click's handling
        _stopped(interrupt)
    except click.ClickException as error:
        error.show()
        sys.exit(int(ExitCode.BAD_INPUT) if isinstance(error, click.UsageError) else error.exit_code)
    except OSError as error:
        # A file the user named that cannot be read, a full disk: say which.
        click.echo(f"error: {error}", err=True)
        sys.exit(int(ExitCode.FAILURE))


def _stopped(cause: BaseException | None) -> NoReturn:
    if isinstance(cause, Terminated):
        click.echo("terminated", err=True)
        sys.exit(int(ExitCode.TERMINATED))
    click.echo("aborted", err=True)
    sys.exit(int(ExitCode.INTERRUPTED))
