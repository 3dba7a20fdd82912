"""`cinepass db`: migrations."""

from __future__ import annotations

import typer

from cinepass.cli.runtime import console, database_errors, fail, load_settings, safe_url

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply the migrations (SQLite and PostgreSQL share them)."""
    # Alembic is imported here, not at the top: it would slow every other command's start.
    from alembic.util import CommandError

    from cinepass.db import migrate

    settings = load_settings()
    with database_errors(settings.database.url):
        try:
            migrate.upgrade(settings, revision)
        except CommandError as exc:
            fail(str(exc), "run `cinepass db upgrade` without a revision to reach the latest")
    console.print(f"[green]database at {revision}[/] ({safe_url(settings.database.url)})")
