"""Every error reportgen raises on purpose, and the exit code each one means.

Only ``reportgen.cli`` turns these into messages and exit codes; everything
else raises. Each class carries what a person needs to fix the input: the
file, where in it, what was found and what was expected.

    ReportgenError (exit 1: the run failed)
    ├── InputError (exit 2: the user's input is wrong; fix it and rerun)
    │   ├── ProblemsError         many problems found at once (spec, style, data)
    │   │   ├── SpecError         report spec / meeting file / manifest fields
    │   │   ├── StyleError        house style definition
    │   │   └── DataError         data files checked against a data contract
    │   ├── UnknownNameError      unknown template, style or measure; lists the known ones
    │   ├── TemplateError         a template failed (undefined variable, syntax, bad HTML)
    │   ├── ResourceRefusedError  a document asked for a file or URL outside the allow-list
    │   └── OutputLocationError   the output folder cannot be created or written
    └── RenderError               a writer failed for a reason that is not the input's
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit statuses of the ``reportgen`` command, in one table."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    UNCONFIRMED = 3
    """distribute: a message may or may not have been delivered; a person must check the mail log and say which."""
    BUSY = 75
    """EX_TEMPFAIL: another run holds the output folder; the same command will work later."""
    INTERRUPTED = 130
    """128 + SIGINT: stopped with Ctrl-C, as a shell reports it, so a script can tell it from a failure."""
    TERMINATED = 143
    """128 + SIGTERM: stopped by a scheduler (systemd, a cron job's timeout) or ``kill``, as a shell reports it."""


class ReportgenError(Exception):
    """Base of reportgen's own errors; the CLI prints ``str(error)`` and exits."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled as its attributes, not its constructor's arguments (which differ per class), so
        # an error raised in another process (the PDF writer's, a distribute worker) arrives whole.
        return _restore_error, (type(self), self.args, self.__dict__)


def _restore_error(cls: type[ReportgenError], args: tuple[object, ...], state: dict[str, object]) -> ReportgenError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InputError(ReportgenError):
    """The input is wrong; rerunning without changing it will fail the same way."""

    exit_code = ExitCode.BAD_INPUT


class DataNotInYetError(ReportgenError):
    """A report to be sent for a period whose figures the data does not have yet.

    Not bad input: rerun once the month's data files are in, and it builds.
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located precisely enough to fix.

    ``location`` is whatever addresses the spot in that kind of file: a field
    path as an officer counts (``sections[2] ("Background").body``) for YAML,
    ``row 14, column value`` for data. ``line`` is the YAML line, when known;
    it comes last so every message keeps the shape ``file: where: what``.
    """

    file: str
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        at = f" (line {self.line})" if self.line else ""
        return f"{where}: {self.message}{at}"


class ProblemsError(InputError):
    """Several problems found in one pass, reported together so one rerun fixes them all."""

    what = "input"
    numbered = True
    """Number the problems, so an officer can tick them off as they fix the file."""

    def __init__(self, problems: list[Problem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the {self.what}:"]
        lines += [f"  {i}. {p}" if self.numbered else f"  - {p}" for i, p in enumerate(self.problems, start=1)]
        super().__init__("\n".join(lines), hint=hint)


class SpecError(ProblemsError):
    what = "report spec"


class StyleError(ProblemsError):
    what = "house style"


class DataError(ProblemsError):
    what = "data"
    numbered = False
    """Data problems already lead with their row number; a second number beside it would confuse."""


class UnknownNameError(InputError):
    """A name (template, style, measure ...) that is not one of the known ones."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        listing = ", ".join(sorted(known)) if known else "(none)"
        super().__init__(f"unknown {kind} {name!r}{did_you_mean(name, known)}; available: {listing}")
        self.kind = kind
        self.name = name
        self.known = sorted(known)


def did_you_mean(name: str, known: list[str]) -> str:
    """`` (did you mean 'default'?)`` when ``name`` is a near miss of a known name, else ""."""
    close = [k for k in known if k.casefold() == name.casefold()] or difflib.get_close_matches(name, known, n=2)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


class TemplateError(InputError):
    """A template could not produce a document; names the template and line."""

    def __init__(self, template: str, line: int | None, message: str) -> None:
        where = f"{template}, line {line}" if line else template
        super().__init__(f"template {where}: {message}")
        self.template = template
        self.line = line


class ResourceRefusedError(InputError):
    """A document referred to a file or URL that reportgen will not read."""

    HINT = "documents may only use images and files under the project's templates/ and styles/ folders, or data: URIs"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to fetch {url!r}: {reason}", hint=self.HINT)
        self.url = url


class OutputLocationError(InputError):
    """The output folder is missing and cannot be made, or cannot be written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write to output folder {str(path)!r}: {reason}")
        self.path = path


class RenderError(ReportgenError):
    """A writer failed on content that passed validation: a bug or a broken install."""
