"""`cinepass db`: migrations."""

from __future__ import annotations

import typer

from cinepass.cli.runtime import console
from cinepass.config import get_settings
from cinepass.db import migrate

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply the migrations (SQLite and PostgreSQL share them)."""
    settings = get_settings()
    migrate.upgrade(settings, revision)
    console.print(f"[green]database at {revision}[/] ({settings.database_url.split('@')[-1]})")
