"""`cinepass users`: create accounts from the command line."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import EmailStr, TypeAdapter, ValidationError

from cinepass.auth.passwords import PasswordHasher, password_problem
from cinepass.cli.runtime import console, fail, with_session
from cinepass.config import get_settings
from cinepass.users import service
from cinepass.users.models import Role

app = typer.Typer(help="User accounts.", no_args_is_help=True)


@app.command()
def create(
    email: Annotated[str, typer.Option(help="Sign-in email")],
    name: Annotated[str, typer.Option(help="Display name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    role: Annotated[Role, typer.Option(help="user or admin")] = Role.USER,
) -> None:
    """Create a user (an admin can be granted movie-editing scopes)."""
    try:
        TypeAdapter(EmailStr).validate_python(email)
    except ValidationError:
        fail(f"{email!r} is not a valid email address")
    problem = password_problem(password)
    if problem:
        fail(f"password {problem}")
    settings = get_settings()
    hasher = PasswordHasher(settings.argon2_memory_kib, settings.argon2_time_cost)
    password_hash = asyncio.run(hasher.hash(password))
    user = with_session(
        lambda s: service.create(s, name=name, email=email, password_hash=password_hash, role=role)
    )
    console.print(f"[green]created {user.role.value}[/] {user.email} ({user.id})")
