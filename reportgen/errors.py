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

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit statuses of the ``reportgen`` command, in one table."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2


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
    path (``header.meeting_date``) for YAML, ``row 14, column value`` for data.
    """

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        return f"{where}: {self.message}"


class ProblemsError(InputError):
    """Several problems found in one pass, reported together so one rerun fixes them all."""

    what = "input"

    def __init__(self, problems: list[Problem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the {self.what}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines), hint=hint)


class SpecError(ProblemsError):
    what = "report spec"


class StyleError(ProblemsError):
    what = "house style"


class DataError(ProblemsError):
    what = "data"


class UnknownNameError(InputError):
    """A name (template, style, measure ...) that is not one of the known ones."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        listing = ", ".join(sorted(known)) if known else "(none)"
        super().__init__(f"unknown {kind} {name!r}; available: {listing}")
        self.kind = kind
        self.name = name
        self.known = sorted(known)


class TemplateError(InputError):
    """A template could not produce a document; names the template and line."""

    def __init__(self, template: str, line: int | None, message: str) -> None:
        where = f"{template}, line {line}" if line else template
        super().__init__(f"template {where}: {message}")
        self.template = template
        self.line = line


class ResourceRefusedError(InputError):
    """A document referred to a file or URL that reportgen will not read."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"refused to fetch {url!r}: {reason}",
            hint="documents may only use images and files under the project's "
            "templates/ and styles/ folders, or data: URIs",
        )
        self.url = url


class OutputLocationError(InputError):
    """The output folder is missing and cannot be made, or cannot be written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write to output folder {str(path)!r}: {reason}")
        self.path = path


class RenderError(ReportgenError):
    """A writer failed on content that passed validation: a bug or a broken install."""
