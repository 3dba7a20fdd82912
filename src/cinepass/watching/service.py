"""Saved positions and plays: what Continue watching shows and what Trends counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.db.unique import insert_unless_taken
from cinepass.errors import NotFound
from cinepass.movies import service as movies_service
from cinepass.movies.models import Movie
from cinepass.watching.models import Play, PlaybackPosition

# Past this share of the film it counts as seen: the credits need not be watched to the end.
FINISHED_SHARE = 0.95
CONTINUE_WATCHING_SIZE = 20


@dataclass(frozen=True)
class Watching:
    movie: Movie
    position: PlaybackPosition


async def save_position(
    db: AsyncSession, user_id: str, movie_id: str, position: float, duration: float
) -> PlaybackPosition:
    """Keep where the user is in the film; near its end the film counts as finished."""
    if not await movies_service.exists(db, movie_id):
        raise NotFound("movie not found")
    position = min(position, duration)
    finished = position >= duration * FINISHED_SHARE
    row = await db.get(PlaybackPosition, (user_id, movie_id))
    if row is None:
        row = PlaybackPosition(user_id=user_id, movie_id=movie_id)
        _fill(row, position, duration, finished)
        if await insert_unless_taken(db, row):
            return row
        # Another tab saved first: update the row it made.
        found = await db.get(PlaybackPosition, (user_id, movie_id), populate_existing=True)
        if found is None:
            raise NotFound("movie not found")
        row = found
    _fill(row, position, duration, finished)
    await db.flush()
    return row


def _fill(row: PlaybackPosition, position: float, duration: float, finished: bool) -> None:
    row.position_seconds = position
    row.duration_seconds = duration
    row.finished = finished
    row.updated_at = utcnow()


async def position_of(db: AsyncSession, user_id: str, movie_id: str) -> float:
    """Where to start: the saved position, or 0 for a film never started or finished."""
    row = await db.get(PlaybackPosition, (user_id, movie_id))
    if row is None or row.finished:
        return 0.0
    return row.position_seconds


async def record_play(db: AsyncSession, user_id: str, movie_id: str) -> None:
    db.add(Play(user_id=user_id, movie_id=movie_id, played_at=utcnow()))
    await db.flush()


async def continue_watching(db: AsyncSession, user_id: str) -> Sequence[Watching]:
    """The user's unfinished films, the most recently watched first."""
    rows = await db.execute(
        select(PlaybackPosition, Movie)
        .join(Movie, Movie.id == PlaybackPosition.movie_id)
        .where(PlaybackPosition.user_id == user_id, PlaybackPosition.finished.is_(False))
        .order_by(PlaybackPosition.updated_at.desc(), PlaybackPosition.movie_id)
        .limit(CONTINUE_WATCHING_SIZE)
    )
    return [Watching(movie=movie, position=position) for position, movie in rows]


async def in_progress_ids(db: AsyncSession, user_id: str) -> list[str]:
    return [w.movie.id for w in await continue_watching(db, user_id)]
