"""`cinepass admin`: manage the catalogue over HTTP, signed in with an admin API key."""

from __future__ import annotations

import typer

from cinepass.cli.admin import movies

app = typer.Typer(help="Admin client: talks to the API over HTTP.", no_args_is_help=True)
app.add_typer(movies.app, name="movies")
