"""Each user's list: only its owner (or an admin, for reading) sees or changes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import UtcDateTime, new_id, utcnow
from cinepass.db.unique import conflict_insert
from cinepass.errors import NotFound
from cinepass.movies.models import Movie
from cinepass.user_movies.models import UserMovie


@dataclass(frozen=True)
class ListEntry:
    entry: UserMovie
    movie: Movie


@dataclass(frozen=True)
class Added:
    id: str
    created: bool


async def list_for(db: AsyncSession, user_id: str) -> Sequence[ListEntry]:
    rows = await db.execute(
        select(UserMovie, Movie)
        .join(Movie, Movie.id == UserMovie.movie_id)
        .where(UserMovie.user_id == user_id)
        .order_by(UserMovie.created_at, UserMovie.id)
    )
    return [ListEntry(entry=e, movie=m) for e, m in rows]


async def _existing(db: AsyncSession, user_id: str, movie_id: str) -> str | None:
    return await db.scalar(
        select(UserMovie.id).where(UserMovie.user_id == user_id, UserMovie.movie_id == movie_id)
    )


async def add(db: AsyncSession, user_id: str, movie_id: str) -> Added:
    """Put a movie on a list; adding it again returns the entry already there.

    One statement inserts the entry if the movie exists and the list does not hold it yet
    (a concurrent add of the same movie meets the unique constraint and does nothing)."""
    entry_id = new_id()
    inserted = await db.scalar(
        conflict_insert(db, UserMovie)
        .from_select(
            ["id", "user_id", "movie_id", "created_at"],
            select(
                literal(entry_id),
                literal(user_id),
                Movie.id,
                literal(utcnow(), UtcDateTime()),
            ).where(Movie.id == movie_id),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "movie_id"])
        .returning(UserMovie.id)
    )
    if inserted is not None:
        return Added(id=inserted, created=True)
    existing = await _existing(db, user_id, movie_id)
    if existing is None:
        raise NotFound("movie not found")
    return Added(id=existing, created=False)


async def remove(db: AsyncSession, user_id: str, entry_id: str) -> None:
    """Delete one of the user's own entries; anyone else's is NotFound, as if absent."""
    result = await db.execute(
        delete(UserMovie).where(UserMovie.id == entry_id, UserMovie.user_id == user_id)
    )
    if getattr(result, "rowcount", 0) == 0:
        raise NotFound("user movie not found")
