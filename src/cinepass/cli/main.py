"""The root `cinepass` command and its groups."""

from __future__ import annotations

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from cinepass.cli import admin, api_keys, db, seed, serve, users
from cinepass.cli.runtime import errors, fail
from cinepass.client import ApiError
from cinepass.errors import ApplicationError

app = typer.Typer(
    name="cinepass",
    help="cinepass: the movie catalogue's servers, database and admin tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("api")(serve.api)
app.add_typer(db.app, name="db")
app.add_typer(api_keys.app, name="api-keys")
app.add_typer(users.app, name="users")
app.command("seed")(seed.seed)
app.add_typer(admin.app, name="admin")


def main() -> None:
    """Entry point: domain and connection errors become one clear line, not a traceback."""
    try:
        app()
    except ApplicationError as exc:
        fail(exc.message)
    except ApiError as exc:
        fail(f"the API answered {exc.status_code}: {exc.message}")
    except (OperationalError, ProgrammingError, OSError) as exc:
        errors.print(f"[dim]{type(exc).__name__}: {str(exc).splitlines()[0][:200]}[/]")
        fail(
            "the database is unreachable or not migrated",
            "check CINEPASS_DATABASE_URL, then run `cinepass db upgrade`",
        )
