"""`cinepass admin`: manage the catalogue over HTTP, signed in with an admin API key."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cinepass.cli.runtime import console, errors, fail
from cinepass.client import ApiError, CinepassClient
from cinepass.config import get_settings
from cinepass.movies.importing import read_rows
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate

T = TypeVar("T")

app = typer.Typer(help="Admin client: talks to the API over HTTP.", no_args_is_help=True)
movies_app = typer.Typer(help="The movie catalogue.", no_args_is_help=True)
app.add_typer(movies_app, name="movies")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _signed_in(work: Callable[[CinepassClient, str], Awaitable[T]]) -> T:
    settings = get_settings()
    missing = [
        name
        for name, value in (
            ("CINEPASS_ADMIN_API_KEY", settings.admin_api_key),
            ("CINEPASS_ADMIN_EMAIL", settings.admin_email),
            ("CINEPASS_ADMIN_PASSWORD", settings.admin_password),
        )
        if not value
    ]
    if missing:
        fail(
            f"set {', '.join(missing)} to sign in",
            "create a key with `cinepass api-keys create --name admin-cli --preset admin`"
            " and an admin with `cinepass users create --role admin`",
        )

    async def main() -> T:
        async with CinepassClient(settings.api_url) as client:
            session = await client.sign_in(
                settings.admin_email or "",
                settings.admin_password.get_secret_value() if settings.admin_password else "",
                settings.admin_api_key.get_secret_value() if settings.admin_api_key else "",
            )
            return await work(client, session.token)

    return asyncio.run(main())


def _print_movies(movies: list[MovieOut], as_json: bool) -> None:
    if as_json:
        print(json.dumps([m.model_dump(by_alias=True) for m in movies], indent=2))
        return
    table = Table("id", "title", "year", "min", "rating", "tags")
    for m in movies:
        table.add_row(
            m.id, m.title, str(m.year), str(m.duration), m.content_rating, ", ".join(m.tags)
        )
    console.print(table)


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
        lambda c, t: c.list_movies(t, tags=tag or [], q=q, limit=limit, cursor=cursor)
    )
    _print_movies(page.data, as_json)
    if page.next and not as_json:
        console.print(f"[dim]next page: --cursor {page.next}[/]")


@movies_app.command("get")
def get_movie(movie_id: str, as_json: JsonOption = False) -> None:
    """Show one movie."""
    _print_movies([_signed_in(lambda c, t: c.get_movie(t, movie_id))], as_json)


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
    movie_id = _signed_in(lambda c, t: c.create_movie(t, movie))
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
    _signed_in(lambda c, t: c.update_movie(t, movie_id, changes))
    console.print(f"[green]updated[/] {movie_id}")


@movies_app.command("delete")
def delete_movie(movie_id: str) -> None:
    """Delete a movie (and remove it from every list)."""
    _signed_in(lambda c, t: c.delete_movie(t, movie_id))
    console.print(f"[green]deleted[/] {movie_id}")


@movies_app.command("import")
def import_movies(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".json or .csv")],
) -> None:
    """Create every valid movie in FILE; bad rows are reported and skipped."""
    try:
        rows = read_rows(file)
    except (ValueError, UnicodeDecodeError) as exc:
        fail(str(exc))
    problems = [(r.number, r.problem) for r in rows if r.problem]

    async def send(client: CinepassClient, token: str) -> int:
        created = 0
        with Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("import", total=len(rows))
            for row in rows:
                if row.movie is not None:
                    try:
                        await client.create_movie(token, row.movie)
                        created += 1
                    except ApiError as exc:
                        if exc.status_code in {401, 503}:
                            raise
                        problems.append((row.number, exc.message))
                progress.advance(task)
        return created

    created = _signed_in(send)
    console.print(f"[green]created {created} movies[/] from {len(rows)} rows")
    if problems:
        table = Table("row", "problem", title=f"{len(problems)} rows skipped")
        for number, problem in sorted(problems, key=lambda p: p[0]):
            table.add_row(str(number), problem or "")
        errors.print(table)
        raise typer.Exit(1)
