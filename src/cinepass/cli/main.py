"""The root `cinepass` command and its groups."""

from __future__ import annotations

from typing import Any

import typer
import typer.core
import typer.main

from cinepass.cli import (
    admin,
    api_keys,
    audit,
    db,
    keys,
    mail,
    media,
    openapi,
    seed,
    serve,
    up,
    users,
)
from cinepass.cli.runtime import report
from cinepass.client import ApiError
from cinepass.errors import ApplicationError


class _Cli(typer.Typer):
    """A Typer app whose expected failures end in one `error:` line and exit code 1.

    Done here rather than in `main` so that running `app` directly (an older console-script
    entry point, `typer.testing`) behaves the same.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        command = typer.main.get_command(self)
        _without_type_labels(command)
        try:
            return command(*args, **kwargs)
        except ApplicationError as exc:
            report(exc.message)
        except ApiError as exc:
            report(f"the API answered {exc.status_code}: {exc.message}")
        raise SystemExit(1)


def _choices_only(param: object) -> None:
    if isinstance(param, typer.core.TyperOption | typer.core.TyperArgument):
        choices = param.type_descriptor.is_choice

        def label(ctx: Any, typed: Any = param.display_type_rich) -> Any:
            return typed(ctx).strip("<>") if choices else None

        setattr(param, "display_type_rich", label)  # noqa: B010


def _without_type_labels(command: object) -> None:
    """Typer's help labels each option with its annotation (`<str>`, `<list[str]>`, `<bool>`):
    noise for a person. Every command of the tree shows an option's choices only."""
    for param in getattr(command, "params", ()):
        _choices_only(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:
        # --help is made when help is asked for, not kept in `params`.
        def get_help_option(ctx: Any, made: Any = help_option) -> Any:
            option = made(ctx)
            _choices_only(option)
            return option

        setattr(command, "get_help_option", get_help_option)  # noqa: B010
    if isinstance(command, typer.core.TyperGroup):
        for child in command.commands.values():
            _without_type_labels(child)


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
app.add_typer(audit.app, name="audit")
app.command("seed")(seed.seed)
app.add_typer(admin.app, name="admin")
app.command("openapi")(openapi.openapi)


def main() -> None:
    """Entry point (`cinepass`)."""
    app()


if __name__ == "__main__":
    main()
