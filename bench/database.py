"""The benchmark's throwaway PostgreSQL database: create, migrate, provision, seed, drop."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from cinepass.config import Settings
from cinepass.cursors import encode_cursor
from cinepass.db.base import new_id, utcnow
from cinepass.movies import demo
from cinepass.movies.models import Movie, MovieTag
from cinepass.provisioning import Account, provisioning
from cinepass.scopes import PRESETS
from cinepass.text import search_key
from cinepass.users.models import Role

# Movies per INSERT statement (SQLAlchemy batches the VALUES lists itself).
BATCH = 5000


def database_name() -> str:
    return f"cinepass_bench_{uuid.uuid4().hex[:10]}"


def database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def _admin(admin_url: str, sql: str) -> Any:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            result = await conn.execute(text(sql))
            return result.scalar() if result.returns_rows else None
    finally:
        await engine.dispose()


async def server_version(admin_url: str) -> str:
    version: str = await _admin(admin_url, "SHOW server_version")
    return version


async def create_database(admin_url: str, name: str) -> None:
    await _admin(admin_url, f'CREATE DATABASE "{name}"')


async def drop_database(admin_url: str, name: str) -> None:
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Client:
    """An API key and an account that signs in with it."""

    api_key: str
    account: Account


async def provision(settings: Settings, *, preset: str, role: Role) -> Client:
    """An API key of `preset` and an account of `role`, made through the services."""
    async with provisioning(settings) as setup:
        api_key = await setup.api_key(f"bench ({preset})", PRESETS[preset])
        account = await setup.account(
            name=f"Bench {role.value}",
            email=f"bench-{role.value}-{uuid.uuid4().hex[:8]}@example.com",
            password=f"bench-{uuid.uuid4().hex}",
            role=role,
        )
    return Client(api_key=api_key, account=account)


def _engine(url: str) -> AsyncEngine:
    return create_async_engine(url, poolclass=NullPool)


async def movie_count(url: str) -> int:
    engine = _engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.scalar(select(func.count()).select_from(Movie))) or 0)
    finally:
        await engine.dispose()


async def seed(url: str, wanted: int, public_url: str, advance: Callable[[int], None]) -> int:
    """Grow the catalogue to exactly `wanted` movies with `cinepass seed`'s demo films (the
    same titles in the same order), inserted with SQLAlchemy Core bulk INSERTs.

    Only for the benchmark's own database, which this function alone fills: it skips as
    many demo films as there are movies already. (It does not pass the present titles to
    `demo_movies` as `cinepass seed` does: growing 1,000 -> 100,000 that way yields 100,789
    movies, because skipping a title there shifts the random sequence of the rest.)
    Returns how many movies were added."""
    engine = _engine(url)
    try:
        async with engine.begin() as conn:
            present = int((await conn.scalar(select(func.count()).select_from(Movie))) or 0)
            todo = itertools.islice(demo.demo_movies(wanted, public_url, set()), present, None)
            now = utcnow()
            movies: list[dict[str, Any]] = []
            tags: list[dict[str, Any]] = []
            added = 0
            for body in todo:
                movie_id = new_id()
                fields = body.model_dump(exclude={"tags"})
                movies.append(
                    {**fields, "id": movie_id, "title_key": search_key(body.title)}
                    | {"created_at": now, "updated_at": now}
                )
                tags += [
                    {"movie_id": movie_id, "tag": tag, "position": i}
                    for i, tag in enumerate(body.tags)
                ]
                if len(movies) == BATCH:
                    await _insert(conn, movies, tags)
                    added += len(movies)
                    advance(len(movies))
                    movies, tags = [], []
            if movies:
                await _insert(conn, movies, tags)
                added += len(movies)
                advance(len(movies))
        return added
    finally:
        await engine.dispose()


async def _insert(
    conn: AsyncConnection, movies: list[dict[str, Any]], tags: list[dict[str, Any]]
) -> None:
    await conn.execute(insert(cast(Table, Movie.__table__)), movies)
    if tags:
        await conn.execute(insert(cast(Table, MovieTag.__table__)), tags)


async def analyze(url: str) -> None:
    """VACUUM ANALYZE after a bulk load, as autovacuum would do soon after on a real server."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("VACUUM ANALYZE movies"))
            await conn.execute(text("VACUUM ANALYZE movie_tags"))
    finally:
        await engine.dispose()


async def cursor_before_last_page(url: str, limit: int) -> tuple[str, int]:
    """A `next` cursor whose page holds the last `limit` movies of the title order, made with
    the service's own encoder from the movie just before them; and the catalogue's size."""
    engine = _engine(url)
    try:
        async with engine.connect() as conn:
            count = int((await conn.scalar(select(func.count()).select_from(Movie))) or 0)
            if count <= limit:
                raise ValueError(f"need more than {limit} movies for a last page with a cursor")
            row = (
                await conn.execute(
                    select(Movie.title, Movie.id)
                    .order_by(Movie.title, Movie.id)
                    .offset(count - limit - 1)
                    .limit(1)
                )
            ).one()
    finally:
        await engine.dispose()
    return encode_cursor(row.title, row.id), count
