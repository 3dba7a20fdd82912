"""The catalogue: list with search, tags and keyset pages; get, create, update, delete."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.errors import BadRequest, NotFound
from cinepass.movies.models import Movie, MovieTag
from cinepass.movies.schemas import MovieCreate, MovieUpdate

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class MoviePage:
    movies: Sequence[Movie]
    next_cursor: str | None


def encode_cursor(movie: Movie) -> str:
    raw = json.dumps([movie.title, movie.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        title, movie_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadRequest("invalid cursor; use the 'next' value of the previous page") from None
    if not isinstance(title, str) or not isinstance(movie_id, str):
        raise BadRequest("invalid cursor; use the 'next' value of the previous page")
    return title, movie_id


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_movies(
    session: AsyncSession,
    *,
    tags: Sequence[str] = (),
    q: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> MoviePage:
    """One page of movies in title order; `tags` match any of them, `q` a part of the title."""
    stmt = select(Movie).order_by(Movie.title, Movie.id).limit(limit + 1)
    if q:
        stmt = stmt.where(Movie.title.ilike(f"%{_escape_like(q)}%", escape="\\"))
    if tags:
        tagged = select(MovieTag.movie_id).where(MovieTag.tag.in_(list(tags)))
        stmt = stmt.where(Movie.id.in_(tagged))
    if cursor:
        after = decode_cursor(cursor)
        stmt = stmt.where(tuple_(Movie.title, Movie.id) > tuple_(*after))
    rows = (await session.scalars(stmt)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return MoviePage(movies=rows, next_cursor=encode_cursor(rows[-1]) if more else None)


async def get(session: AsyncSession, movie_id: str) -> Movie:
    movie = await session.get(Movie, movie_id)
    if movie is None:
        raise NotFound("movie not found")
    return movie


def _tag_rows(tags: Sequence[str]) -> list[MovieTag]:
    return [MovieTag(tag=tag, position=i) for i, tag in enumerate(tags)]


async def create(session: AsyncSession, body: MovieCreate) -> Movie:
    fields = body.model_dump(exclude={"tags"})
    now = utcnow()
    movie = Movie(**fields, created_at=now, updated_at=now, tag_rows=_tag_rows(body.tags))
    session.add(movie)
    await session.flush()
    return movie


async def create_many(session: AsyncSession, bodies: Sequence[MovieCreate]) -> list[Movie]:
    movies = [Movie(**b.model_dump(exclude={"tags"}), tag_rows=_tag_rows(b.tags)) for b in bodies]
    session.add_all(movies)
    await session.flush()
    return movies


async def update(session: AsyncSession, movie_id: str, body: MovieUpdate) -> Movie:
    """Change the fields sent; a missing movie is NotFound, never created."""
    movie = await get(session, movie_id)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"tags"})
    for name, value in changes.items():
        setattr(movie, name, value)
    if body.tags is not None:
        movie.tag_rows.clear()
        await session.flush()
        movie.tag_rows.extend(_tag_rows(body.tags))
    movie.updated_at = utcnow()
    await session.flush()
    return movie


async def delete_movie(session: AsyncSession, movie_id: str) -> None:
    result = await session.execute(delete(Movie).where(Movie.id == movie_id))
    if getattr(result, "rowcount", 0) == 0:
        raise NotFound("movie not found")


async def exists(session: AsyncSession, movie_id: str) -> bool:
    return (await session.scalar(select(Movie.id).where(Movie.id == movie_id))) is not None
