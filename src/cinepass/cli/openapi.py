"""`cinepass openapi`: the API's OpenAPI document, built from the app alone (no database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cinepass.api import create_app
from cinepass.cli.runtime import load_settings


def document() -> dict[str, Any]:
    """What the API serves at /openapi.json; building the app connects to nothing."""
    schema: dict[str, Any] = create_app(load_settings()).openapi()
    return schema


def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout")
    ] = None,
) -> None:
    """Print the API's OpenAPI document (the SPA's types are generated from it)."""
    text = json.dumps(document(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
