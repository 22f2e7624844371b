"""click parameter types shared by several commands; they fail with a usage error (exit 2)."""

from __future__ import annotations

from typing import Any

import click

from reportgen.writers import WRITERS


class FormatList(click.ParamType):
    """``docx,pdf`` -> ["docx", "pdf"], each one a format reportgen can write."""

    name = "formats"

    def __init__(self, choices: tuple[str, ...] | None = None) -> None:
        self.choices = choices or tuple(WRITERS)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> list[str]:
        if isinstance(value, list):
            return value
        formats = [part.strip().lower() for part in str(value).split(",") if part.strip()]
        unknown = [f for f in formats if f not in self.choices]
        if unknown or not formats:
            self.fail(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(self.choices)}",
                      param, ctx)
        return list(dict.fromkeys(formats))
