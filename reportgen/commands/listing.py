"""``reportgen templates`` and ``reportgen styles``: what a spec can name."""

from __future__ import annotations

import click


@click.command()
def templates() -> None:
    """List the document templates (the `template:` of a spec)."""
    from reportgen.templating import available_templates

    for name, description in available_templates().items():
        click.echo(f"{name:24} {description}")


@click.command()
def styles() -> None:
    """List the house styles (the `style:` of a spec, or --style)."""
    from reportgen.style import available_styles, load_style

    for name in available_styles():
        style = load_style(name)
        click.echo(f"{name:24} {style.council}: {style.description}")
