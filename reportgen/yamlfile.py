"""Read a YAML file into a pydantic model, reporting every problem at once.

Spec files, house styles, data contracts, meeting files and manifests all come
through here, so they all report problems the same way: file, field path,
what was expected and what was found.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from reportgen.errors import Problem, ProblemsError

M = TypeVar("M", bound=BaseModel)

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (the wheels are): about 13x faster than the
pure-Python one, which matters when ``distribute`` reads every spec on each run. Same documents, same
error positions."""

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
"""YAML 1.1's base-60 numbers: ``18:30`` is the integer 1110 to PyYAML (YAML 1.2 dropped them)."""


class _Loader(_BASE_LOADER):
    """The safe loader, with dates and times left as text for the models to read.

    YAML 1.1 reads an unquoted meeting time ``18:30`` as the number 1110,
    which a time field takes as seconds: an agenda said the meeting was at
    "12.18am". And it turns ``2018-13-23`` into an exception with no line
    or field. As text, both reach the pydantic model, which parses dates and
    times itself and names the field when one is wrong.
    """


_Loader.yaml_implicit_resolvers = {
    first: ([(_STR, _SEXAGESIMAL)] if first in "-+0123456789" else [])
    + [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, error: type[ProblemsError]) -> Any:
    """Parse YAML, turning a missing file or a syntax error into ``error``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise error([Problem(str(path), "", "is a folder, expected a YAML file")]) from None
    except UnicodeDecodeError as exc:
        raise error([Problem(str(path), "", f"not UTF-8 text ({exc.reason})")]) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error([Problem(str(path), where, f"not valid YAML: {exc.problem}")]) from None


def problems_from(path: Path, exc: ValidationError) -> list[Problem]:
    """pydantic's errors as Problems with dotted field paths (``header.meeting_date``)."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")  # pydantic's prefix on our own validators' words
        if err["type"] not in ("missing", "extra_forbidden") and "input" in err \
                and not isinstance(err["input"], dict | list):  # whole sections would bury the message
            message += f" (got {err['input']!r})"
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        problems.append(Problem(str(path), loc, message))
    return problems


def load_model(path: Path, model: type[M], error: type[ProblemsError], **context: Any) -> M:
    """Read ``path`` and validate it as ``model``; raise ``error`` listing every problem."""
    data = read_yaml(path, error)
    if data is None:
        raise error([Problem(str(path), "", "file is empty")])
    if not isinstance(data, dict):
        raise error([Problem(str(path), "", f"expected a mapping of fields, got {type(data).__name__}")])
    try:
        return model.model_validate(data, context={"path": path, **context})
    except ValidationError as exc:
        raise error(problems_from(path, exc)) from None
