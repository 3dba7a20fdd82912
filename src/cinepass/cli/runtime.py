"""What every command shares: the console, the database session, and failing clearly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.config import get_settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope

T = TypeVar("T")

console = Console()
errors = Console(stderr=True)


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}")
    if hint:
        errors.print(f"[dim]{hint}[/]")
    raise typer.Exit(code)


def with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction against the configured database."""

    async def main() -> T:
        engine = create_engine(get_settings())
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())
