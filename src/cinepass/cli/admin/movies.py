"""`cinepass admin movies`: list, show, create, change, delete and import movies over HTTP."""

from __future__ import annotations

import functools
import inspect
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Column, Table

from cinepass import problems
from cinepass.cli.admin.sign_in import SignedInAdmin, explain_failure, signed_in, token_refused
from cinepass.cli.runtime import console, errors, fail, print_table
from cinepass.client import ApiError, ApiUnreachable
from cinepass.errors import (
    Forbidden,
    ServiceUnavailable,
    Unauthenticated,
    error_class,
)
from cinepass.movies.importing import HeaderProblem, import_row, natural_key, read_rows
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate
from cinepass.schemas import Page

T = TypeVar("T")
app = typer.Typer(help="The movie catalogue.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]

# The movie's fields as options, once for `create` and `update`: option name -> (type, field).
_MOVIE_OPTIONS: dict[str, tuple[Any, str]] = {
    "title": (Annotated[str | None, typer.Option(help="Up to 80 characters")], "title"),
    "year": (Annotated[int | None, typer.Option(help="1888-2077")], "year"),
    "cover": (Annotated[str | None, typer.Option(help="Poster URL")], "cover"),
    "description": (
        Annotated[str | None, typer.Option(help="Up to 300 characters")],
        "description",
    ),
    "duration": (Annotated[int | None, typer.Option(help="Minutes, 1-300")], "duration"),
    "content_rating": (
        Annotated[str | None, typer.Option("--content-rating", help="G, PG, PG-13, R, ...")],
        "contentRating",
    ),
    "source": (Annotated[str | None, typer.Option(help="Video URL")], "source"),
    "tag": (Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeat)")], "tags"),
}


def _movie_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the movie options; it gets the ones given as `fields` (by field name)."""
    signature = inspect.signature(command)
    parameters = [p for p in signature.parameters.values() if p.name != "fields"]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
        for name, (kind, _) in _MOVIE_OPTIONS.items()
    ]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        given = {field: kwargs.pop(name) for name, (_, field) in _MOVIE_OPTIONS.items()}
        command(*args, fields={k: v for k, v in given.items() if v is not None}, **kwargs)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return run


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


@app.command("list")
def list_movies(
    q: Annotated[str | None, typer.Option(help="Part of the title")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Any of these tags (repeat)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    cursor: Annotated[str | None, typer.Option(help="Next-page cursor")] = None,
    as_json: JsonOption = False,
) -> None:
    """List movies, one page at a time."""
    page = signed_in(
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


@app.command("get")
def get_movie(movie_id: str, as_json: JsonOption = False) -> None:
    """Show one movie."""
    movie = signed_in(lambda a: a.client.get_movie(a.token, movie_id))
    if as_json:
        print(json.dumps(movie.model_dump(by_alias=True), indent=2))
        return
    _print_movies([movie], as_json)


# A field's problem names the option that sets it: "--cover is required".
_OPTION_OF_FIELD = {
    field: f"--{name.replace('_', '-')}" for name, (_, field) in _MOVIE_OPTIONS.items()
}


def _validated(
    model: type[MovieCreate] | type[MovieUpdate], fields: dict[str, Any], command: str
) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        said = [
            problems.describe(e, _OPTION_OF_FIELD.get(str(e["loc"][0])) if e["loc"] else None)
            for e in exc.errors()
        ]
        fail("; ".join(said), f"see `cinepass admin movies {command} --help`")


@app.command("create")
@_movie_options
def create_movie(fields: dict[str, Any]) -> None:
    """Create a movie; every field but --tag is required."""
    movie = _validated(MovieCreate, fields, "create")
    movie_id = signed_in(lambda a: a.client.create_movie(a.token, movie))
    console.print(f"[green]created[/] {movie_id}")


@app.command("update")
@_movie_options
def update_movie(movie_id: str, fields: dict[str, Any]) -> None:
    """Change some fields of a movie."""
    changes = _validated(MovieUpdate, fields, "update")
    signed_in(lambda a: a.client.update_movie(a.token, movie_id, changes))
    console.print(f"[green]updated[/] {movie_id}")


@app.command("delete")
def delete_movie(movie_id: str) -> None:
    """Delete a movie (and remove it from every list)."""
    signed_in(lambda a: a.client.delete_movie(a.token, movie_id))
    console.print(f"[green]deleted[/] {movie_id}")


@app.command("import")
def import_movies(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".json or .csv")],
    update: Annotated[
        bool, typer.Option("--update", help="Change the films already in the catalogue")
    ] = False,
) -> None:
    """Create every valid movie in FILE that the catalogue lacks; bad rows are reported and
    skipped (exit code 1).

    A film already in the catalogue (same title, ignoring case and accents, and same year) is
    skipped, so that importing a file twice adds nothing; with --update it is changed to match.
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
    except HeaderProblem as exc:
        fail(str(exc), exc.hint)
    except ValueError as exc:
        fail(str(exc), "give a JSON array of movie objects, or a CSV file with a header row")
    problems_found = [(r.number, r.problem) for r in rows if r.problem]
    stopped: list[tuple[int, ApiError]] = []
    done: Counter[str] = Counter()

    async def send(admin: SignedInAdmin) -> None:
        with Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("import", total=len(rows))
            for row in rows:
                if row.movie is not None:
                    try:
                        done[await import_row(HttpCatalogue(admin), row.movie, update)] += 1
                    except ApiError as exc:
                        if isinstance(exc, ApiUnreachable) or issubclass(
                            error_class(exc.status_code), _FATAL
                        ):
                            stopped.append((row.number, exc))
                            break
                        problems_found.append((row.number, exc.message))
                progress.advance(task)

    signed_in(send)
    console.print(
        f"[green]created {_count(done['created'], 'movie')}[/] from {_count(len(rows), 'row')}"
    )
    if done["updated"]:
        console.print(f"[green]updated {_count(done['updated'], 'movie')}[/]")
    if done["skipped"]:
        console.print(
            f"{done['skipped']} skipped, already in the catalogue (--update changes them)"
        )
    if problems_found:
        # One line per row, not a table: long messages stay whole and the output greps well.
        errors.print(f"[yellow]skipped {_count(len(problems_found), 'row')}:[/]")
        for number, problem in sorted(problems_found, key=lambda p: p[0]):
            errors.print(f"  row {number}: {escape(problem or 'refused')}", soft_wrap=True)
    if stopped:
        number, failure = stopped[0]
        message, hint = explain_failure(failure)
        fail(f"import stopped at row {number}; it and later rows were not sent: {message}", hint)
    if problems_found:
        raise typer.Exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# Answers that no other row would get past: stop rather than report every row.
_FATAL = (Unauthenticated, Forbidden, ServiceUnavailable)


async def _renewing(admin: SignedInAdmin, call: Callable[[str], Awaitable[T]]) -> T:
    """`call(token)`; an access token that expired during a long import is renewed once."""
    try:
        return await call(admin.token)
    except ApiError as exc:
        if not token_refused(exc):
            raise
        await admin.sign_in()
        return await call(admin.token)


class HttpCatalogue:
    """The catalogue as the API shows it to an admin: the importer's rows go over HTTP."""

    def __init__(self, admin: SignedInAdmin):
        self._admin = admin

    async def find(self, movie: MovieCreate) -> str | None:
        """The film with this row's natural key, found with the API's title search."""
        admin, key = self._admin, natural_key(movie.title, movie.year)
        cursor: str | None = None
        while True:

            def page_after(
                token: str, after: str | None = cursor
            ) -> Awaitable[Page[list[MovieOut]]]:
                return admin.client.list_movies(token, q=movie.title, limit=100, cursor=after)

            page = await _renewing(admin, page_after)
            for found in page.data:
                if natural_key(found.title, found.year) == key:
                    return found.id
            if not page.next:
                return None
            cursor = page.next

    async def create(self, movie: MovieCreate) -> None:
        admin = self._admin
        await _renewing(admin, lambda token: admin.client.create_movie(token, movie))

    async def update(self, movie_id: str, movie: MovieCreate) -> None:
        admin = self._admin
        changes = MovieUpdate.model_validate(movie.model_dump(by_alias=True))
        await _renewing(admin, lambda token: admin.client.update_movie(token, movie_id, changes))
