"""What every command shares: the console, settings, the database session, and failing clearly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    SQLAlchemyError,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass import problems
from cinepass.api import operator_session
from cinepass.config import DEFAULT_DATABASE_URL, Settings, get_settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.events import Events

T = TypeVar("T")

console = Console()


def progress_bar(label: str) -> Progress:
    """The bar long work shows (seeding, clips): count, bar and time left; on a terminal it
    clears when done, elsewhere (CI logs) it stays as the final count."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,
    )


errors = Console(stderr=True)
_UNLIMITED = 100_000

DATABASE_HINT = "check CINEPASS_DATABASE_URL, then run `cinepass db upgrade`"
DATABASE_URL_HINT = (
    f"set CINEPASS_DATABASE_URL to e.g. {DEFAULT_DATABASE_URL}"
    " or postgresql+asyncpg://USER:PASSWORD@HOST:5432/DATABASE"
)


def print_table(table: Table) -> None:
    """A table on stdout: fitted to a terminal, or, when piped, at its natural width so that
    each row stays on one line, whole (grep-able) rather than folded into 80 columns."""
    if console.is_terminal:
        console.print(table)
        return
    natural = Measurement.get(console, console.options.update_width(_UNLIMITED), table).maximum
    Console(width=max(natural, console.width), no_color=True).print(table)


def report(message: str, hint: str | None = None) -> None:
    """One `error:` line and, when there is something to do about it, one `hint:` line."""
    errors.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    if hint:
        errors.print(f"[dim]hint: {escape(hint)}[/]", soft_wrap=True)


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    report(message, hint)
    raise typer.Exit(code)


def first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def load_settings() -> Settings:
    """The settings, or one line naming the CINEPASS_* variable that is wrong."""
    try:
        return get_settings()
    except ValidationError as exc:
        # A variable's name is no word to start a sentence with: "NAME: problem".
        said = "; ".join(
            f"{problems.dotted(e['loc'])}: {problems.problem(e)}" for e in exc.errors()
        )
        fail(f"invalid setting: {said}", "fix the environment variable (or .env file)")


def safe_url(url: str) -> str:
    """The database URL without its password, fit to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable URL)"


def check_database_url(url: str) -> None:
    """Refuse, before connecting, a URL SQLAlchemy cannot parse or whose driver is not async."""
    try:
        dialect = make_url(url).get_dialect()
    except (ArgumentError, ImportError) as exc:
        fail(f"CINEPASS_DATABASE_URL is not usable: {first_line(str(exc))}", DATABASE_URL_HINT)
    if not getattr(dialect, "is_async", False):
        fail(
            f"CINEPASS_DATABASE_URL {safe_url(url)} names a driver cinepass cannot use"
            " (it needs sqlite+aiosqlite or postgresql+asyncpg)",
            DATABASE_URL_HINT,
        )


def database_failure(exc: BaseException, url: str) -> NoReturn:
    """Explain a database error in one line, with what to do next."""
    if isinstance(exc, ImportError):
        fail(f"the database driver is not installed: {first_line(str(exc))}", DATABASE_URL_HINT)
    detail = str(exc.orig) if isinstance(exc, DBAPIError) and exc.orig else str(exc)
    detail = first_line(detail) or type(exc).__name__
    if isinstance(exc, IntegrityError):
        fail(f"the database refused the change: {detail}")
    fail(f"cannot use the database at {safe_url(url)}: {detail}", DATABASE_HINT)


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn connection, URL and schema errors into one clear line instead of a traceback."""
    check_database_url(url)
    try:
        yield
    except (SQLAlchemyError, OSError, ImportError) as exc:
        database_failure(exc, url)


def with_database(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run `work` with a session factory on the configured database, then close it.

    Domain errors (`ApplicationError`) propagate so that a command can add its own hint;
    `cinepass` turns any left over into one line.
    """
    settings = load_settings()

    async def main() -> T:
        engine = create_engine(settings)
        try:
            return await work(create_sessionmaker(engine))
        finally:
            await engine.dispose()

    with database_errors(settings.database.url):
        return asyncio.run(main())


def with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction against the configured database."""

    async def in_session(sessionmaker: async_sessionmaker[AsyncSession]) -> T:
        async with session_scope(sessionmaker) as db:
            return await work(db)

    return with_database(in_session)


def with_events(work: Callable[[Events, AsyncSession], Awaitable[T]]) -> T:
    """Like `with_session`, for changes the API's subscribers react to (ending tokens on every
    API process when a user is disabled or a key revoked)."""
    settings = load_settings()

    async def main() -> T:
        async with operator_session(settings) as (events, db):
            return await work(events, db)

    with database_errors(settings.database.url):
        return asyncio.run(main())
