"""The root `cinepass` command and its groups."""

from __future__ import annotations

from typing import Any

import typer

from cinepass.cli import admin, api_keys, db, keys, mail, media, openapi, seed, serve, up, users
from cinepass.cli.runtime import report
from cinepass.client import ApiError
from cinepass.errors import ApplicationError


class _Cli(typer.Typer):
    """A Typer app whose expected failures end in one `error:` line and exit code 1.

    Done here rather than in `main` so that running `app` directly (an older console-script
    entry point, `typer.testing`) behaves the same.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ApplicationError as exc:
            report(exc.message)
        except ApiError as exc:
            report(f"the API answered {exc.status_code}: {exc.message}")
        raise SystemExit(1)


app = _Cli(
    name="cinepass",
    help="cinepass: the movie catalogue's servers, database and admin tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("api")(serve.api)
app.command("web")(serve.web)
app.command("up")(up.up)
app.add_typer(db.app, name="db")
app.add_typer(api_keys.app, name="api-keys")
app.add_typer(users.app, name="users")
app.add_typer(keys.app, name="keys")
app.add_typer(mail.app, name="mail")
app.add_typer(media.app, name="media")
app.command("seed")(seed.seed)
app.add_typer(admin.app, name="admin")
app.command("openapi")(openapi.openapi)


def main() -> None:
    """Entry point (`cinepass`)."""
    app()


if __name__ == "__main__":
    main()
