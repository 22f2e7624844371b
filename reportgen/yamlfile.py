"""Read a YAML file into a pydantic model, reporting every problem at once.

Spec files, house styles, data contracts, meeting files and manifests all come
through here, so they all report problems the same way: file, field path,
what was expected and what was found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
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
        lines = text.splitlines()
        line = lines[mark.line] if mark and mark.line < len(lines) else ""
        raise error([Problem(str(path), where, f"not valid YAML: {exc.problem}")],
                    hint=_syntax_hint(str(exc.problem), line, mark)) from None


_KEY_AND_VALUE = re.compile(r"^\s*(?:-\s+)?(?P<key>[\w.-]+):\s+(?P<value>[^\s\"'{\[|>].*?)(?:\s+#.*)?$")
"""``  - title: Item 4: Budget  # note``: a key and its plain value, any comment left off."""


def _syntax_hint(problem: str, line: str, mark: yaml.Mark | None) -> str | None:
    """What to do about a syntax error an officer makes often, with the example their own line when it can be.

    A tab where YAML expects indentation (an editor's Tab key) is "found
    character that cannot start any token", which never says "tab". A value
    holding ": " (``title: Item 4: Budget``) reads to YAML as a second key on
    the line: "mapping values are not allowed here" (libyaml: "... in this
    context"), which says nothing of quotes.
    """
    if mark is not None and line[mark.column:mark.column + 1] == "\t":
        return f"YAML indents with spaces, not tabs: replace the tab at line {mark.line + 1}"
    if not problem.startswith("mapping values are not allowed"):
        return None
    found = _KEY_AND_VALUE.match(line)
    key, value = (found["key"], found["value"]) if found and ": " in found["value"] else ("title", "Item 4: Budget")
    return f"if the value contains ': ', put it in quotes: {key}: {json.dumps(value, ensure_ascii=False)}"


Loc = tuple[str | int, ...]
"""A field's address as pydantic gives it: ``("sections", 0, "body")``."""

_TITLE_KEYS = ("title", "heading", "name", "id")
"""The key that names a list entry for a person (a section's heading, an item's title)."""

_EXPECTED = {
    **dict.fromkeys(("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"),
                    "expected a date as YYYY-MM-DD, e.g. 2018-10-09"),
    **dict.fromkeys(("datetime_parsing", "datetime_from_date_parsing", "datetime_type"),
                    "expected a date and time as YYYY-MM-DD HH:MM, e.g. 2018-10-09 18:30"),
    **dict.fromkeys(("time_parsing", "time_type"), "expected a time on the 24-hour clock as HH:MM, e.g. 18:30"),
}
"""pydantic's date and time errors ("invalid character in year") in words that show the format."""


class Locator:
    """Where a field is in a YAML file, as a person finds it: a 1-based path naming titled entries, and its line.

    Built when a problem is to be reported, which is rare: the file is read
    again and composed into nodes (which keep their lines) only then.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._root: yaml.Node | None = None
        self._composed = False

    def _node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self.path.read_text(encoding="utf-8-sig"), Loader=_Loader)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                self._root = None
        return self._root

    def where(self, loc: Sequence[str | int], text: str | None = None) -> tuple[str, int | None]:
        """The field path (``sections[1] ("Background").body``) and line of ``loc``.

        ``text`` found in the field's value moves the line to the line it is on,
        in a literal block (``|``), where the file's lines are the value's.
        """
        node = self._node()
        line = node.start_mark.line + 1 if node is not None else None
        path = ""
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                             None)
                path += f".{part}" if path else str(part)
                if found is None:  # a missing field: point at the mapping it belongs in
                    node = None
                    continue
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                path += f"[{part + 1}]{_title(node)}"
                line = node.start_mark.line + 1
            elif isinstance(node, yaml.ScalarNode | yaml.SequenceNode) and isinstance(part, str):
                continue  # pydantic's name for one type of a union ("str", "int"): not in the file
            elif isinstance(part, int):
                path += f"[{part + 1}]"
                node = None
            else:
                path += f".{part}" if path else part
                node = None
        if text and isinstance(node, yaml.ScalarNode) and node.style == "|" and text in node.value:
            line = node.start_mark.line + 2 + node.value[:node.value.index(text)].count("\n")
        return path, line


def _title(node: yaml.Node) -> str:
    """`` ("Background")`` for a list entry with a heading or title; "" otherwise."""
    if not isinstance(node, yaml.MappingNode):
        return ""
    for key in _TITLE_KEYS:
        value = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        if isinstance(value, yaml.ScalarNode) and value.value.strip():
            title = " ".join(value.value.split())
            return f' ("{title[:40]}...")' if len(title) > 43 else f' ("{title}")'
    return ""


def problem_at(path: Path, loc: Sequence[str | int], message: str, *, text: str | None = None,
               locator: Locator | None = None) -> Problem:
    """A Problem at field ``loc`` of the YAML file ``path``, with its readable path and line."""
    where, line = (locator or Locator(path)).where(loc, text)
    return Problem(str(path), where, message, line)


def problems_from(path: Path, exc: ValidationError) -> list[Problem]:
    """pydantic's errors as Problems with readable field paths (``sections[1] ("Background").body``) and lines."""
    locator = Locator(path)
    problems = []
    for err in exc.errors():
        message = err["msg"].removeprefix("Value error, ")  # pydantic's prefix on our own validators' words
        if err["type"] in _EXPECTED:
            reason = (err.get("ctx") or {}).get("error", "")
            message = _EXPECTED[err["type"]] + (f"; {reason}" if "outside expected range" in str(reason) else "")
        if err["type"] not in ("missing", "extra_forbidden") and "input" in err \
                and not isinstance(err["input"], dict | list) \
                and not _already_said(err["input"], message):  # whole sections would bury the message
            message += f" (got {err['input']!r})"
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        problems.append(problem_at(path, err["loc"], message, locator=locator))
    return _one_per_field(problems)


def _already_said(value: object, message: str) -> bool:
    """Whether the message quotes the value already ("report file not found: reports/x.pdf")."""
    text = str(value)
    return repr(value) in message or (len(text) >= 3 and text in message)


def _one_per_field(problems: list[Problem]) -> list[Problem]:
    """One problem per field: a value that fits none of a union's types is one mistake, not one per type.

    pydantic says "Input should be a valid string", "... a valid integer" and
    "... a valid number" for one table cell; the officer reads one message
    listing what the cell may be.
    """
    merged: dict[tuple[str, int | None], Problem] = {}
    for problem in problems:
        key = (problem.location, problem.line)
        first = merged.get(key)
        if first is None or not problem.location:
            merged[key if problem.location else (str(len(merged)), None)] = problem
            continue
        got = re.search(r" \(got .*\)$", first.message)
        head = first.message[:got.start()] if got else first.message
        extra = problem.message.removeprefix("Input should be ")
        extra = extra[:extra.rfind(" (got ")] if " (got " in extra else extra
        merged[key] = Problem(first.file, first.location, f"{head}, or {extra}{got.group(0) if got else ''}",
                              first.line)
    return list(merged.values())


KINDS = {
    "report spec": ({"template", "header", "sections"}, "`reportgen build`"),
    "meeting file": ({"committee", "membership", "items"}, "`reportgen agenda`, `pack` or `minutes`"),
    "distribution manifest": ({"reports", "recipients", "smtp"}, "`reportgen distribute`"),
}
"""The YAML files the commands take, each told by fields only it has, and the command that takes it."""


def _other_kind(data: dict[str, Any], expected: str) -> str | None:
    """"this is a meeting file, not a report spec" when ``data`` is plainly another kind of file.

    A meeting file given to ``build`` was refused field by field, fifteen
    "Field required" and "unknown field" lines that never said what was wrong.
    """
    keys = set(data)
    if KINDS.get(expected, (set(), ""))[0] & keys:
        return None
    for kind, (marks, command) in KINDS.items():
        if kind != expected and len(marks & keys) >= 2:
            return f"this is a {kind}, not a {expected}; give it to {command}"
    return None


def validate(path: Path, data: Any, model: type[M], error: type[ProblemsError], **context: Any) -> M:
    """Validate YAML already read from ``path`` as ``model``; raise ``error`` listing every problem."""
    if data is None:
        raise error([Problem(str(path), "", "file is empty")])
    if not isinstance(data, dict):
        raise error([Problem(str(path), "", f"expected a mapping of fields, got {type(data).__name__}")])
    other = _other_kind(data, error.what)
    if other:
        raise error([Problem(str(path), "", other)])
    try:
        return model.model_validate(data, context={"path": path, **context})
    except ValidationError as exc:
        raise error(problems_from(path, exc)) from None


def load_model(path: Path, model: type[M], error: type[ProblemsError], **context: Any) -> M:
    """Read ``path`` and validate it as ``model``; raise ``error`` listing every problem."""
    return validate(path, read_yaml(path, error), model, error, **context)
