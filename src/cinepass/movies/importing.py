"""Importing movies: reading rows from JSON or CSV, validating each one, the natural key (title
and year) by which a film already in the catalogue is recognised, and the decision per row
(create, update or skip) that the CLI (over HTTP) and the API (in its database) share."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import problems
from cinepass.events import Events, MoviesImported
from cinepass.movies import pages, service
from cinepass.movies.models import Movie
from cinepass.movies.schemas import MovieCreate, MovieUpdate
from cinepass.text import search_key

_INT_FIELDS = {"year", "duration"}
# A CSV's columns: the body's JSON names, as the API documents them.
COLUMNS = [field.alias or name for name, field in MovieCreate.model_fields.items()]
REQUIRED_COLUMNS = [
    field.alias or name for name, field in MovieCreate.model_fields.items() if field.is_required()
]


class HeaderProblem(ValueError):
    """A CSV header that names columns wrongly: what is missing and what is unknown, at once."""

    def __init__(self, source: str, missing: list[str], unknown: list[str]):
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(repr(name) for name in unknown)}")
        super().__init__(f"the header row of {source} is wrong: {'; '.join(parts)}")
        self.missing = missing
        self.unknown = unknown
        self.hint = f"name the columns {', '.join(COLUMNS)} (tags may be left out), spelled as here"


def natural_key(title: str, year: int) -> tuple[str, int]:
    """Which film a row is: its title as search compares it (case and accents aside) and year,
    so that "Fantômas" (1913) and "FANTOMAS" (1913) are one film, and a remake is another."""
    return " ".join(search_key(title).split()), year


@dataclass(frozen=True)
class Row:
    number: int
    movie: MovieCreate | None
    problem: str | None


def _describe(error: ValidationError) -> str:
    return "; ".join(
        problems.describe(e, problems.dotted(e["loc"]) or None, whole="the row")
        for e in error.errors()
    )


def _check_header(source: str, header: list[str] | None) -> None:
    named = [name.strip() for name in header or [] if name.strip()]
    missing = [name for name in REQUIRED_COLUMNS if name not in named]
    unknown = [name for name in named if name not in COLUMNS]
    if missing or unknown:
        raise HeaderProblem(source, missing, unknown)


def _from_csv(source: str, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    reader = csv.DictReader(io.StringIO(text))
    _check_header(source, list(reader.fieldnames or []))
    for raw in reader:
        row: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        for name in _INT_FIELDS & row.keys():
            # Left as text when not a number: validation reports it with the field's name.
            with suppress(ValueError):
                row[name] = int(row[name])
        if "tags" in row:
            row["tags"] = [t.strip() for t in str(row["tags"]).split("|") if t.strip()]
        rows.append(row)
    return rows


def parse_csv(text: str, source: str = "the CSV") -> list[Row]:
    """Every row of a CSV text (a header row naming the fields, tags split by '|'), validated.

    A wrong header raises HeaderProblem; text that is not CSV, ValueError."""
    try:
        raw_rows = _from_csv(source, text)
    except csv.Error as exc:
        raise ValueError(f"{source} is not valid CSV: {exc}") from None
    return validate_rows(raw_rows)


def parse_json(text: str, source: str = "the JSON") -> list[Row]:
    """Every row of a JSON array of movie objects, validated; anything else raises ValueError."""
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(parsed, list):
        raise ValueError(f"{source} must hold a JSON array of movie objects")
    return validate_rows(parsed)


def validate_rows(raw_rows: Sequence[Any]) -> list[Row]:
    """Each row checked as a movie's body is; rows are numbered from 1."""
    rows: list[Row] = []
    for number, raw in enumerate(raw_rows, start=1):
        try:
            rows.append(Row(number, MovieCreate.model_validate(raw), None))
        except ValidationError as exc:
            rows.append(Row(number, None, _describe(exc)))
    return rows


def read_rows(path: Path) -> list[Row]:
    """Every row of a .json (array of objects) or .csv (tags split by '|') file, validated."""
    text = path.read_text("utf-8-sig")
    if path.suffix.lower() == ".csv":
        return parse_csv(text, str(path))
    return parse_json(text, str(path))


Outcome = Literal["created", "updated", "skipped"]


class Catalogue(Protocol):
    """Where an import writes: the API's database, or the API itself over HTTP (the CLI)."""

    async def find(self, movie: MovieCreate) -> str | None:
        """The id of the catalogue's film with this movie's natural key, if any."""

    async def create(self, movie: MovieCreate) -> None: ...

    async def update(self, movie_id: str, movie: MovieCreate) -> None: ...


async def import_row(catalogue: Catalogue, movie: MovieCreate, update: bool) -> Outcome:
    """Create, update or skip one row's film: which of them it was.

    A film already in the catalogue is skipped, so that importing a file twice adds nothing;
    with `update` it is changed to match the row."""
    existing = await catalogue.find(movie)
    if existing is None:
        await catalogue.create(movie)
        return "created"
    if not update:
        return "skipped"
    await catalogue.update(existing, movie)
    return "updated"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    # (row number, what is wrong with it), in row order.
    errors: list[tuple[int, str]] = field(default_factory=list)


async def import_rows(catalogue: Catalogue, rows: Sequence[Row], update: bool) -> ImportReport:
    """Every valid row imported; each invalid one reported, none stopping the others."""
    report = ImportReport()
    for row in rows:
        if row.movie is None:
            report.errors.append((row.number, row.problem or "invalid row"))
            continue
        outcome = await import_row(catalogue, row.movie, update)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


class DatabaseCatalogue:
    """The catalogue as the API holds it: one database session, the import's transaction."""

    def __init__(self, db: AsyncSession):
        self._db = db

    async def find(self, movie: MovieCreate) -> str | None:
        key = natural_key(movie.title, movie.year)
        # The longest word narrows the scan to a few rows; the key itself decides.
        word = max(key[0].split(), key=len, default="")
        candidates = await self._db.execute(
            select(Movie.id, Movie.title).where(
                Movie.year == movie.year,
                Movie.title_key.like(f"%{pages.escape_like(word)}%", escape="\\"),
            )
        )
        return next(
            (row.id for row in candidates if natural_key(row.title, movie.year) == key), None
        )

    async def create(self, movie: MovieCreate) -> None:
        await service.create(self._db, movie)

    async def update(self, movie_id: str, movie: MovieCreate) -> None:
        changes = MovieUpdate.model_validate(movie.model_dump(by_alias=True))
        await service.update(self._db, movie_id, changes)


async def import_movies(
    db: AsyncSession, rows: Sequence[Row], *, update: bool, events: Events
) -> ImportReport:
    """Import the rows into the database; MoviesImported tells of what changed, if anything."""
    report = await import_rows(DatabaseCatalogue(db), rows, update)
    if report.created or report.updated:
        await events.publish(MoviesImported(created=report.created, updated=report.updated), db)
    return report
