"""`cinepass users`: create accounts from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Annotated

import typer
from pydantic import EmailStr, Field, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import problems
from cinepass.auth.password_policy import password_problem
from cinepass.auth.passwords import PasswordHasher
from cinepass.cli.runtime import console, fail, load_settings, with_events, with_session
from cinepass.errors import Conflict, NotFound
from cinepass.events import Events
from cinepass.users import service
from cinepass.users.models import Role, User

MAX_NAME_LENGTH = 100  # as at sign-up
Email = Annotated[EmailStr, Field(max_length=320)]

app = typer.Typer(help="User accounts.", no_args_is_help=True)


@app.command()
def create(
    email: Annotated[str, typer.Option(help="Sign-in email")],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[Role, typer.Option(help="user or admin")] = Role.USER,
    # Not required: asked for (hidden, twice) when not given, so that it stays out of history.
    password: Annotated[
        str | None,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for when not given (hidden, typed twice)",
        ),
    ] = None,
) -> None:
    """Create a user (an admin can be granted movie-editing scopes); the operator vouches for
    the email, which counts as verified."""
    if not 1 <= len(name.strip()) <= MAX_NAME_LENGTH:
        fail(f"the name must be 1 to {MAX_NAME_LENGTH} characters")
    try:
        TypeAdapter(Email).validate_python(email.strip())
    except ValidationError as exc:
        fail(problems.describe(exc.errors()[0], repr(email)))
    if password is None:  # click prompts for it: only a prompt with no input gets here
        fail("a password is required", "pass --password or type it when asked")
    problem = password_problem(password)
    if problem:
        fail(f"password {problem}")
    settings = load_settings()
    hasher = PasswordHasher.from_settings(settings)
    password_hash = asyncio.run(hasher.hash(password))
    try:
        user = with_session(
            lambda s: service.create(
                s, name=name, email=email, password_hash=password_hash, role=role, verified=True
            )
        )
    except Conflict as exc:
        fail(exc.message, "sign in with that account, or choose another email")
    console.print(f"[green]created {user.role.value}[/] {user.email} ({user.id})")


def _change(email: str, work: str) -> None:
    def act(events: Events, db: AsyncSession) -> Awaitable[User]:
        if work == "delete":
            return service.delete(db, email, events=events)
        return service.set_disabled(db, email, work == "disable", events=events)

    try:
        user = with_events(act)
    except NotFound as exc:
        fail(exc.message, "check the email address")
    console.print(f"[green]{work}d[/] {user.email}")


@app.command()
def disable(email: Annotated[str, typer.Argument(help="The user's email")]) -> None:
    """Disable a user: sign-in fails and every session and access token ends."""
    _change(email, "disable")


@app.command()
def enable(email: Annotated[str, typer.Argument(help="The user's email")]) -> None:
    """Enable a disabled user again."""
    _change(email, "enable")


@app.command()
def delete(email: Annotated[str, typer.Argument(help="The user's email")]) -> None:
    """Delete a user, their list and sessions; their access tokens end."""
    _change(email, "delete")
