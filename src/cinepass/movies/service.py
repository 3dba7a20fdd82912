"""The catalogue: get, create, update, delete, and movies in their wire shape (the list's
pages are read in cinepass.movies.pages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.errors import NotFound
from cinepass.events import Events, MovieCreated, MovieDeleted, MovieUpdated
from cinepass.movies.models import Movie, MovieTag
from cinepass.movies.schemas import MovieCreate, MovieUpdate

_LISTED = (
    Movie.id,
    Movie.title,
    Movie.year,
    Movie.cover,
    Movie.description,
    Movie.duration,
    Movie.content_rating,
    Movie.source,
)


async def _wire(db: AsyncSession, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of `_LISTED` with their tags, in the documented shape (MovieOut's JSON)."""
    tags_of: dict[str, list[str]] = {row.id: [] for row in rows}
    if rows:
        found = await db.execute(
            select(MovieTag.movie_id, MovieTag.tag)
            .where(MovieTag.movie_id.in_(list(tags_of)))
            .order_by(MovieTag.movie_id, MovieTag.position)
        )
        for movie_id, tag in found:
            tags_of[movie_id].append(tag)
    return [
        {
            "id": row.id,
            "title": row.title,
            "year": row.year,
            "cover": row.cover,
            "description": row.description,
            "duration": row.duration,
            "contentRating": row.content_rating,
            "source": row.source,
            "tags": tags_of[row.id],
        }
        for row in rows
    ]


async def wire_movies(db: AsyncSession, movie_ids: Sequence[str]) -> list[dict[str, Any]]:
    """These movies in the documented shape, in the order given (unknown ids left out)."""
    if not movie_ids:
        return []
    rows = (await db.execute(select(*_LISTED).where(Movie.id.in_(list(movie_ids))))).all()
    by_id = {row.id: row for row in rows}
    return await _wire(db, [by_id[i] for i in movie_ids if i in by_id])


async def get(db: AsyncSession, movie_id: str) -> Movie:
    movie = await db.get(Movie, movie_id)
    if movie is None:
        raise NotFound("movie not found")
    return movie


def _tag_rows(tags: Sequence[str]) -> list[MovieTag]:
    return [MovieTag(tag=tag, position=i) for i, tag in enumerate(tags)]


async def create(db: AsyncSession, body: MovieCreate, *, events: Events | None = None) -> Movie:
    fields = body.model_dump(exclude={"tags"})
    now = utcnow()
    movie = Movie(**fields, created_at=now, updated_at=now, tag_rows=_tag_rows(body.tags))
    db.add(movie)
    await db.flush()
    if events is not None:
        await events.publish(MovieCreated(movie_id=movie.id, title=movie.title), db)
    return movie


async def create_many(db: AsyncSession, bodies: Sequence[MovieCreate]) -> list[Movie]:
    movies = [Movie(**b.model_dump(exclude={"tags"}), tag_rows=_tag_rows(b.tags)) for b in bodies]
    db.add_all(movies)
    await db.flush()
    return movies


async def update(
    db: AsyncSession, movie_id: str, body: MovieUpdate, *, events: Events | None = None
) -> Movie:
    """Change the fields sent; a missing movie is NotFound, never created."""
    movie = await get(db, movie_id)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"tags"})
    for name, value in changes.items():
        setattr(movie, name, value)
    if body.tags is not None:
        movie.tag_rows.clear()
        await db.flush()
        movie.tag_rows.extend(_tag_rows(body.tags))
    movie.updated_at = utcnow()
    await db.flush()
    if events is not None:
        await events.publish(MovieUpdated(movie_id=movie.id), db)
    return movie


async def delete_movie(db: AsyncSession, movie_id: str, *, events: Events | None = None) -> None:
    result = await db.execute(delete(Movie).where(Movie.id == movie_id))
    if getattr(result, "rowcount", 0) == 0:
        raise NotFound("movie not found")
    if events is not None:
        await events.publish(MovieDeleted(movie_id=movie_id), db)


async def exists(db: AsyncSession, movie_id: str) -> bool:
    return (await db.scalar(select(Movie.id).where(Movie.id == movie_id))) is not None
