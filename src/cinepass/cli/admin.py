"""`cinepass admin`: manage the catalogue over HTTP, signed in with an admin API key."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Column, Table

from cinepass.cli.runtime import console, errors, fail, load_settings, print_table
from cinepass.client import ApiError, ApiUnreachable, CinepassClient
from cinepass.movies.importing import read_rows
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate

T = TypeVar("T")

app = typer.Typer(help="Admin client: talks to the API over HTTP.", no_args_is_help=True)
movies_app = typer.Typer(help="The movie catalogue.", no_args_is_help=True)
app.add_typer(movies_app, name="movies")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


@dataclass
class _Admin:
    """A signed-in admin: the client, the current access token, and how to get a new one."""

    client: CinepassClient
    credentials: tuple[str, str, str]
    token: str = ""

    async def sign_in(self) -> None:
        self.token = (await self.client.sign_in(*self.credentials)).token


def _problem(exc: ApiError) -> tuple[str, str | None]:
    """What went wrong with a call to the API, and what to do about it."""
    if isinstance(exc, ApiUnreachable):
        return exc.message, "check CINEPASS_API_URL and that the API is running (`cinepass api`)"
    message = f"the API answered {exc.status_code}: {exc.message}"
    if exc.status_code == 401:
        if "api key" in exc.message.lower():
            return message, (
                "check CINEPASS_ADMIN_API_KEY (a revoked key no longer works); create one with"
                " `cinepass api-keys create --name admin-cli --preset admin`"
            )
        return message, "check CINEPASS_ADMIN_EMAIL and CINEPASS_ADMIN_PASSWORD"
    if exc.status_code == 403:
        return message, (
            "sign in as a user created with `cinepass users create --role admin`,"
            " with a key created with `--preset admin`"
        )
    if exc.status_code == 404:
        return message, "find movie ids with `cinepass admin movies list`"
    if exc.status_code == 429:
        return message, "wait a few minutes, then try again"
    return message, None


def _signed_in(work: Callable[[_Admin], Awaitable[T]]) -> T:
    """Sign in with the CINEPASS_ADMIN_* settings, then run `work`; API errors end the command."""
    settings = load_settings()
    missing = [
        name
        for name, value in (
            ("CINEPASS_ADMIN_API_KEY", settings.admin.api_key),
            ("CINEPASS_ADMIN_EMAIL", settings.admin.email),
            ("CINEPASS_ADMIN_PASSWORD", settings.admin.password),
        )
        if not value
    ]
    if missing:
        fail(
            f"set {', '.join(missing)} to sign in to the API at {settings.api.url}",
            "create a key with `cinepass api-keys create --name admin-cli --preset admin`"
            " and an admin with `cinepass users create --role admin ...`",
        )
    credentials = (
        settings.admin.email or "",
        settings.admin.password.get_secret_value() if settings.admin.password else "",
        settings.admin.api_key.get_secret_value() if settings.admin.api_key else "",
    )

    async def main() -> T:
        async with CinepassClient(settings.api.url) as client:
            admin = _Admin(client, credentials)
            await admin.sign_in()
            return await work(admin)

    try:
        return asyncio.run(main())
    except ApiError as exc:
        fail(*_problem(exc))


def _print_movies(movies: list[MovieOut], as_json: bool) -> None:
    if as_json:
        print(json.dumps([m.model_dump(by_alias=True) for m in movies], indent=2))
        return
    # Ids are what get, update and delete take: never cut short, whatever the terminal's width.
    table = Table(
        Column("id", no_wrap=True),
        *(Column(h, overflow="fold") for h in ("title", "year", "min", "rating", "tags")),
    )
    for m in movies:
        table.add_row(
            m.id, m.title, str(m.year), str(m.duration), m.content_rating, ", ".join(m.tags)
        )
    print_table(table)


@movies_app.command("list")
def list_movies(
    q: Annotated[str | None, typer.Option(help="Part of the title")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Any of these tags (repeat)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    cursor: Annotated[str | None, typer.Option(help="Next-page cursor")] = None,
    as_json: JsonOption = False,
) -> None:
    """List movies, one page at a time."""
    page = _signed_in(
        lambda a: a.client.list_movies(a.token, tags=tag or [], q=q, limit=limit, cursor=cursor)
    )
    if as_json:
        print(
            json.dumps(
                {"data": [m.model_dump(by_alias=True) for m in page.data], "next": page.next},
                indent=2,
            )
        )
        return
    _print_movies(page.data, as_json)
    if page.next:
        console.print(f"[dim]next page: --cursor {page.next}[/]", soft_wrap=True)


@movies_app.command("get")
def get_movie(movie_id: str, as_json: JsonOption = False) -> None:
    """Show one movie."""
    movie = _signed_in(lambda a: a.client.get_movie(a.token, movie_id))
    if as_json:
        print(json.dumps(movie.model_dump(by_alias=True), indent=2))
        return
    _print_movies([movie], as_json)


def _fields(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _validated(model: type[MovieCreate] | type[MovieUpdate], fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        for e in exc.errors():
            errors.print(f"  {'.'.join(str(p) for p in e['loc']) or 'movie'}: {e['msg']}")
        fail("the movie is not valid")


Title = Annotated[str | None, typer.Option(help="Up to 80 characters")]
Year = Annotated[int | None, typer.Option(help="1888-2077")]
Cover = Annotated[str | None, typer.Option(help="Poster URL")]
Description = Annotated[str | None, typer.Option(help="Up to 300 characters")]
Duration = Annotated[int | None, typer.Option(help="Minutes, 1-300")]
Rating = Annotated[str | None, typer.Option("--content-rating", help="G, PG, PG-13, R, ...")]
Source = Annotated[str | None, typer.Option(help="Video URL")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeat)")]


@movies_app.command("create")
def create_movie(
    title: Title = None,
    year: Year = None,
    cover: Cover = None,
    description: Description = None,
    duration: Duration = None,
    content_rating: Rating = None,
    source: Source = None,
    tag: Tags = None,
) -> None:
    """Create a movie; every field but --tag is required."""
    movie = _validated(
        MovieCreate,
        _fields(
            title=title,
            year=year,
            cover=cover,
            description=description,
            duration=duration,
            contentRating=content_rating,
            source=source,
            tags=tag,
        ),
    )
    movie_id = _signed_in(lambda a: a.client.create_movie(a.token, movie))
    console.print(f"[green]created[/] {movie_id}")


@movies_app.command("update")
def update_movie(
    movie_id: str,
    title: Title = None,
    year: Year = None,
    cover: Cover = None,
    description: Description = None,
    duration: Duration = None,
    content_rating: Rating = None,
    source: Source = None,
    tag: Tags = None,
) -> None:
    """Change some fields of a movie."""
    changes = _validated(
        MovieUpdate,
        _fields(
            title=title,
            year=year,
            cover=cover,
            description=description,
            duration=duration,
            contentRating=content_rating,
            source=source,
            tags=tag,
        ),
    )
    _signed_in(lambda a: a.client.update_movie(a.token, movie_id, changes))
    console.print(f"[green]updated[/] {movie_id}")


@movies_app.command("delete")
def delete_movie(movie_id: str) -> None:
    """Delete a movie (and remove it from every list)."""
    _signed_in(lambda a: a.client.delete_movie(a.token, movie_id))
    console.print(f"[green]deleted[/] {movie_id}")


@movies_app.command("import")
def import_movies(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".json or .csv")],
) -> None:
    """Create every valid movie in FILE; bad rows are reported and skipped (exit code 1).

    JSON: an array of movie objects. CSV: a header row naming the fields (title, year, cover,
    description, duration, contentRating, source, tags), tags separated by '|'.
    Rows are numbered from 1, not counting the CSV header.
    """
    try:
        rows = read_rows(file)
    except UnicodeDecodeError:
        fail(f"{file} is not UTF-8 text", "save the file as UTF-8 (JSON or CSV) and try again")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(str(exc), "give a JSON array of movie objects, or a CSV file with a header row")
    problems = [(r.number, r.problem) for r in rows if r.problem]
    stopped: list[tuple[int, ApiError]] = []

    async def send(admin: _Admin) -> int:
        created = 0
        with Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("import", total=len(rows))
            for row in rows:
                if row.movie is not None:
                    try:
                        await _create(admin, row.movie)
                        created += 1
                    except ApiError as exc:
                        if isinstance(exc, ApiUnreachable) or exc.status_code in _FATAL:
                            stopped.append((row.number, exc))
                            break
                        problems.append((row.number, exc.message))
                progress.advance(task)
        return created

    created = _signed_in(send)
    console.print(f"[green]created {_count(created, 'movie')}[/] from {_count(len(rows), 'row')}")
    if problems:
        # One line per row, not a table: long messages stay whole and the output greps well.
        errors.print(f"[yellow]skipped {_count(len(problems), 'row')}:[/]")
        for number, problem in sorted(problems, key=lambda p: p[0]):
            errors.print(f"  row {number}: {escape(problem or 'refused')}", soft_wrap=True)
    if stopped:
        number, failure = stopped[0]
        message, hint = _problem(failure)
        fail(f"import stopped at row {number}; it and later rows were not sent: {message}", hint)
    if problems:
        raise typer.Exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# Answers that no other row would get past: stop rather than report every row.
_FATAL = frozenset({401, 403, 503})


async def _create(admin: _Admin, movie: MovieCreate) -> None:
    """Create one movie; an access token that expired during a long import is renewed once."""
    try:
        await admin.client.create_movie(admin.token, movie)
    except ApiError as exc:
        if exc.status_code != 401 or isinstance(exc, ApiUnreachable):
            raise
        await admin.sign_in()
        await admin.client.create_movie(admin.token, movie)
