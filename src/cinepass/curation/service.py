"""Genres, Trends and the home page's rows, each film in at most one row.

Rows must not all open with the same alphabetical run, so within a row films go by popularity
and then by a shuffle that is stable for a day (a slice of the random id, chosen by the date):
portable SQL, one index scan, and a page that does not reshuffle on every visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.movies import service as movies_service
from cinepass.movies.models import Movie, MovieTag
from cinepass.user_movies.models import UserMovie
from cinepass.watching import service as watching
from cinepass.watching.models import Play

TRENDS_DAYS = 7
DEFAULT_ROW_SIZE = 12
MAX_ROW_SIZE = 30
GENRE_ROWS = 8
# A genre with fewer unseen films than this makes no row of its own.
MIN_ROW_SIZE = 4


@dataclass(frozen=True)
class Genre:
    tag: str
    count: int


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    tag: str | None
    movies: list[dict[str, Any]]


def _daily_shuffle() -> ColumnElement[str]:
    """A slice of the movie's random hex id, starting where today's date says."""
    start = utcnow().toordinal() % 25 + 1
    return func.substr(Movie.id, literal(start), literal(8))


async def genres(db: AsyncSession) -> list[Genre]:
    count = func.count(MovieTag.movie_id)
    rows = await db.execute(
        select(MovieTag.tag, count).group_by(MovieTag.tag).order_by(count.desc(), MovieTag.tag)
    )
    return [Genre(tag=tag, count=n) for tag, n in rows]


async def trending_ids(db: AsyncSession, limit: int, exclude: Sequence[str] = ()) -> list[str]:
    """The films most added to lists and played in the last week; then those most kept on
    lists of all time; then today's shuffle, so the row is full however quiet the week."""
    since = utcnow() - timedelta(days=TRENDS_DAYS)
    activity = union_all(
        select(Play.movie_id.label("movie_id")).where(Play.played_at >= since),
        select(UserMovie.movie_id.label("movie_id")).where(UserMovie.created_at >= since),
    ).subquery()
    recent_score = func.count(activity.c.movie_id)
    recent = select(activity.c.movie_id).group_by(activity.c.movie_id)
    chosen = list(exclude)
    picked: list[str] = []
    for stmt in (
        recent.order_by(recent_score.desc(), activity.c.movie_id),
        select(UserMovie.movie_id)
        .group_by(UserMovie.movie_id)
        .order_by(func.count(UserMovie.id).desc(), UserMovie.movie_id),
        select(Movie.id).order_by(_daily_shuffle(), Movie.id),
    ):
        wanted = limit - len(picked)
        if wanted <= 0:
            break
        found = await db.scalars(stmt.limit(wanted + len(chosen)))
        for movie_id in found:
            if movie_id not in chosen and len(picked) < limit:
                picked.append(movie_id)
                chosen.append(movie_id)
    return picked


async def trending(db: AsyncSession, limit: int) -> list[dict[str, Any]]:
    return await movies_service.wire_movies(db, await trending_ids(db, limit))


async def _genre_ids(db: AsyncSession, tag: str, limit: int, shown: set[str]) -> list[str]:
    stmt = (
        select(MovieTag.movie_id)
        .join(Movie, Movie.id == MovieTag.movie_id)
        .where(MovieTag.tag == tag)
        .order_by(_daily_shuffle(), Movie.id)
        .limit(limit + len(shown))
    )
    return [i for i in await db.scalars(stmt) if i not in shown][:limit]


async def home_rows(db: AsyncSession, user_id: str, limit: int) -> list[Row]:
    """Trends, then the largest genres; no film twice, none the user is part-way through
    (Continue watching shows those)."""
    shown = set(await watching.in_progress_ids(db, user_id))
    rows: list[Row] = []
    trend_ids = await trending_ids(db, limit, exclude=sorted(shown))
    shown.update(trend_ids)
    rows.append(
        Row("trending", "Trending now", None, await movies_service.wire_movies(db, trend_ids))
    )
    for genre in (await genres(db))[:GENRE_ROWS]:
        ids = await _genre_ids(db, genre.tag, limit, shown)
        if len(ids) < MIN_ROW_SIZE:
            continue
        shown.update(ids)
        rows.append(
            Row(
                f"genre:{genre.tag}",
                genre_title(genre.tag),
                genre.tag,
                await movies_service.wire_movies(db, ids),
            )
        )
    return rows


def genre_title(tag: str) -> str:
    """ "sci-fi" -> "Sci-fi": tags are lower case by convention, titles are not."""
    return tag[:1].upper() + tag[1:]
