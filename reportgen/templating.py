"""The one Jinja environment: spec + statements + template -> semantic HTML.

``StrictUndefined`` so a missing value stops the build instead of printing a
blank in a published report; autoescape so data and prose are text, never
markup. Filters live in one dict. Errors name the template file and line.
"""

from __future__ import annotations

import contextlib
import traceback
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from reportgen import markdown, resources
from reportgen.errors import TemplateError, UnknownNameError
from reportgen.metrics.formatting import join_words, upper_first
from reportgen.report_data import PLACEHOLDER, MissingStatement

TEMPLATE_FILE = "template.html.j2"


def _long_date(value: date) -> str:
    """9 October 2018: GOV.UK and ONS style (no ordinal, no leading zero)."""
    return format_date(value, "d MMMM yyyy", locale="en_GB")


def _day_date(value: date) -> str:
    """Tuesday 12 April 2022: how agendas and minutes name the meeting day."""
    return format_date(value, "EEEE d MMMM yyyy", locale="en_GB")


def _clock(value: time) -> str:
    """6.30pm, 10am, 12 noon: the way council agendas print times."""
    if (value.hour, value.minute) == (12, 0):
        return "12 noon"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}.{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _with_statements(context: Any, text: str) -> str:
    """Officers' prose with ``[[measure:kind]]`` filled from the report's data (see report_data)."""
    if "[[" not in (text or ""):
        return text
    data = context.get("data")
    if data is None:
        found = PLACEHOLDER.search(text)
        if found:
            raise MissingStatement(f"{found.group(0)} needs a data: section in the spec naming the data files")
        return text
    return data.fill(text)


@jinja2.pass_context
def _markdown(context: Any, text: str, heading_offset: int = 2) -> Markup:
    return markdown.to_html(_with_statements(context, text), heading_offset)


@jinja2.pass_context
def _inline_markdown(context: Any, text: str) -> Markup:
    return markdown.to_inline_html(_with_statements(context, text))


FILTERS: dict[str, Any] = {
    "markdown": _markdown,
    "inline_markdown": _inline_markdown,
    "long_date": _long_date,
    "yes_no": _yes_no,
    "day_date": _day_date,
    "upper_first": upper_first,
    "clock": _clock,
    "join_words": lambda items: join_words(list(items)),
}


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates, in its per-user temporary folder.

    Compiling a report's templates is 40-80 ms of every process that builds
    one, each distribute worker's included; loading them compiled takes 2 ms.
    Jinja keys each entry by the template's file and the checksum of its
    source, and refuses entries from another Jinja or Python version, so an
    edited template is compiled again. The folder is Jinja's default,
    ``_jinja2-cache-<uid>`` under the temporary folder: created private to
    this user and refused when anyone else owns it, since it holds code.
    A cache that cannot be read or written is skipped, never a failed build.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache for every reportgen environment, or None where its folder is not safe to use."""
    try:
        return _BytecodeCache()
    except (OSError, RuntimeError):  # no writable temporary folder, or one someone else owns
        return None


@cache
def environment() -> jinja2.Environment:
    """Built once per process: Jinja caches compiled templates on the environment."""
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache(),
        loader=jinja2.FileSystemLoader(resources.templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def available_templates() -> dict[str, str]:
    """Template name -> one-line description (the template's opening comment)."""
    found = {}
    for path in sorted(resources.templates_dir().glob(f"*/{TEMPLATE_FILE}")):
        found[path.parent.name] = _description(path)
    return found


def _description(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("{#"):
        return " ".join(text[2 : text.find("#}")].strip(" -\n").split())
    return ""


def render(name: str, context: dict[str, Any]) -> str:
    """Render template ``name`` to HTML; any failure names the template and line."""
    known = available_templates()
    if name not in known and not (resources.templates_dir() / name / TEMPLATE_FILE).is_file():
        # Meeting documents live in templates/meeting/ and are chosen by their
        # commands, not by a report spec, so they are not listed as templates.
        raise UnknownNameError("template", name, list(known))
    template_name = f"{name}/{TEMPLATE_FILE}"
    try:
        template = environment().get_template(template_name)
        return template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.name or template_name, exc.lineno, exc.message or "syntax error") from None
    except (jinja2.UndefinedError, MissingStatement) as exc:
        file, line = _template_frame(exc)
        message = exc.message if isinstance(exc, jinja2.UndefinedError) else str(exc)
        hint = ": the spec or data gives no value for it" if isinstance(exc, jinja2.UndefinedError) else ""
        raise TemplateError(file or template_name, line, f"{message}{hint}") from None


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost traceback frame inside the templates folder (Jinja maps it to the template line)."""
    root = str(resources.templates_dir())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    if not frames:
        return None, None
    last = frames[-1]
    return str(Path(last.filename).relative_to(root)), last.lineno


def safe(html: str) -> Markup:
    """Mark HTML made by reportgen itself (never user text) as safe for templates."""
    return Markup(html)
