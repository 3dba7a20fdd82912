"""One page of the catalogue: one query, read as plain rows, serialised once.

The busiest read of the API, so it skips the ORM and the session: on PostgreSQL a pool of raw
asyncpg connections of its own (prepared statements, no transaction around a single SELECT),
on SQLite the engine's connection. Both run the same SQL but for placeholders and how a
movie's tags are gathered; the tests run every listing case on both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, NamedTuple, Protocol

import asyncpg
import orjson
import structlog
from asyncpg.pool import PoolConnectionProxy
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from cinepass import cursors
from cinepass.config import Settings
from cinepass.errors import ServiceUnavailable, sqlstate_unavailable
from cinepass.text import search_key

log = structlog.get_logger(__name__)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What a list request may ask for (the route documents them; the fast lane checks them too).
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_Q_LENGTH = 80
MAX_CURSOR_LENGTH = 512
LISTED_MESSAGE = "movies listed"


class PageQuery(NamedTuple):
    """A list request, normalised: also the key its page is cached under (a tuple: cheap to
    make and to hash, on the hottest path)."""

    tags: tuple[str, ...] = ()
    q: str | None = None
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


def encode_cursor(title: str, movie_id: str) -> str:
    return cursors.encode_cursor(title, movie_id)


def decode_cursor(cursor: str) -> tuple[str, str]:
    title, movie_id = cursors.decode_cursor(cursor, 80, 64)
    return title, movie_id


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_COLUMNS = "m.id, m.title, m.year, m.cover, m.description, m.duration, m.content_rating, m.source"


class _Dialect(Protocol):
    tags_column: str

    def placeholder(self, n: int) -> str: ...

    def any_of(self, param: Callable[[Any], str], tags: Sequence[str]) -> str: ...


class _Postgres:
    tags_column = (
        "ARRAY(SELECT t.tag FROM movie_tags t WHERE t.movie_id = m.id ORDER BY t.position)"
    )

    def placeholder(self, n: int) -> str:
        return f"${n}"

    def any_of(self, param: Callable[[Any], str], tags: Sequence[str]) -> str:
        # One array parameter: the same prepared statement for any number of tags.
        return f"= ANY({param(list(tags))}::text[])"


class _Sqlite:
    tags_column = (
        "(SELECT json_group_array(tag) FROM"
        " (SELECT t.tag FROM movie_tags t WHERE t.movie_id = m.id ORDER BY t.position))"
    )

    def placeholder(self, n: int) -> str:
        return "?"

    def any_of(self, param: Callable[[Any], str], tags: Sequence[str]) -> str:
        return f"IN ({', '.join(param(tag) for tag in tags)})"


class Plan(Enum):
    """How PostgreSQL is asked to find a page's rows (the rows are the same whichever)."""

    # Walk the (title, id) index from the cursor and keep what matches: a few rows read when
    # matches are common.
    WALK = "walk"
    # The same walk stopped after NEARBY_ROWS titles: cheap, and enough when matches are near.
    NEARBY = "nearby"
    # Find every match (a title fragment through its trigram index), then sort: for matches
    # that are rare, or common but far along the title order ("Velvet ..." at the end), where
    # a walk would read most of the catalogue.
    MATCHES = "matches"
    # Tags without a title fragment (PostgreSQL): each tag's first rows after the cursor from
    # its range of the (tag, title, movie_id) index, then the first of those in title order.
    TAGGED = "tagged"
    # A fragment without a space, alone (PostgreSQL): the same, over the title words holding
    # it (migration 0010), each word's films a range of (word, title, movie_id).
    WORDS = "words"


NEARBY_ROWS = 2000
# Plan.WORDS reads up to limit + 1 index entries per word: a fragment held by more title words
# than this (a letter or two, say) is looked for near the cursor, then among every match.
MAX_WORDS = 500
_WORDS_HOLDING = (
    f"SELECT word FROM title_words WHERE word LIKE $1 ESCAPE '\\' LIMIT {MAX_WORDS + 1}"  # noqa: S608
)


def page_sql(
    dialect: _Dialect, query: PageQuery, plan: Plan = Plan.WALK, words: Sequence[str] = ()
) -> tuple[str, list[Any]]:
    """The page's SELECT (one more row than `limit`: whether there is a next page) and its
    parameters, placeholders numbered in the order they appear; a made-up cursor is a 400
    before any SQL runs. `words`: for Plan.WORDS, the title words holding the fragment."""
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return dialect.placeholder(len(params))

    after = decode_cursor(query.cursor) if query.cursor is not None else None

    def cursor_clause() -> list[str]:
        if after is None:
            return []
        return [f"(m.title, m.id) > ({param(after[0])}, {param(after[1])})"]

    # Only constants and placeholders go into the text (S608): every value is a parameter.
    source = "movies m"
    where: list[str] = []
    if plan is Plan.NEARBY:
        nearby = " AND ".join(cursor_clause())
        source = (
            f"(SELECT * FROM movies m {'WHERE ' + nearby if nearby else ''}"  # noqa: S608
            f" ORDER BY m.title, m.id LIMIT {param(NEARBY_ROWS)}) m"
        )
    if query.q:
        pattern = param(f"%{escape_like(search_key(query.q))}%")
        where.append(f"m.title_key LIKE {pattern} ESCAPE '\\'")
    if plan is Plan.TAGGED:
        where.append(_first_of_each(param, after, query, "movie_tags", "tag", query.tags))
    elif plan is Plan.WORDS:
        where.append(_first_of_each(param, after, query, "movie_title_words", "word", words))
    elif query.tags:
        any_tag = dialect.any_of(param, query.tags)
        where.append(f"m.id IN (SELECT movie_id FROM movie_tags WHERE tag {any_tag})")  # noqa: S608
    if plan not in (Plan.NEARBY, Plan.TAGGED):
        where += cursor_clause()
    sql = f"SELECT {_COLUMNS}, {dialect.tags_column} AS tags FROM {source}"  # noqa: S608
    if where:
        sql += " WHERE " + " AND ".join(where)
    # An expression, not the column: the index's order cannot serve it, so the planner must
    # find the matches first (the same order: same collation).
    order = "m.title || ''" if plan is Plan.MATCHES else "m.title"
    sql += f" ORDER BY {order}, m.id LIMIT {param(query.limit + 1)}"
    return sql, params


def _first_of_each(
    param: Callable[[Any], str],
    after: tuple[str, str] | None,
    query: PageQuery,
    table: str,
    column: str,
    values: Sequence[str],
) -> str:
    """The page's films: each value's first `limit + 1` after the cursor, one range of the index
    (value, title, movie_id) each, and the first of those in title order (only they are read
    from `movies`)."""
    wanted = param(list(values))
    after_clause = ""
    if after is not None:
        after_clause = f"AND (t.title, t.movie_id) > ({param(after[0])}, {param(after[1])})"
    rows = param(query.limit + 1)
    # DISTINCT: a film may come with two of the values (two tags, two words).
    return (
        "m.id IN (SELECT page_ids.movie_id FROM (SELECT DISTINCT p.title, p.movie_id FROM unnest("  # noqa: S608
        f"{wanted}::text[]) AS wanted(value) CROSS JOIN LATERAL (SELECT t.movie_id, t.title"
        f" FROM {table} t WHERE t.{column} = wanted.value {after_clause}"
        f" ORDER BY t.title, t.movie_id LIMIT {rows}) p"
        f" ORDER BY p.title, p.movie_id LIMIT {rows}) page_ids)"
    )


def page_body(rows: Sequence[Any], limit: int) -> bytes:
    """The documented body (MovieOut's JSON per movie) of rows from `page_sql`."""
    shown = rows[:limit]
    movies = [
        {
            "id": row[0],
            "title": row[1],
            "year": row[2],
            "cover": row[3],
            "description": row[4],
            "duration": row[5],
            "contentRating": row[6],
            "source": row[7],
            "tags": row[8],
        }
        for row in shown
    ]
    after = encode_cursor(shown[-1][1], shown[-1][0]) if len(rows) > limit else None
    return orjson.dumps({"data": movies, "message": LISTED_MESSAGE, "next": after})


class PageReader(Protocol):
    async def read(self, query: PageQuery) -> bytes: ...

    async def close(self) -> None: ...


class PostgresPages:
    """Pages from PostgreSQL through raw asyncpg connections of their own."""

    _dialect = _Postgres()

    def __init__(self, settings: Settings) -> None:
        url = make_url(settings.database.url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._size = settings.database.pool_size
        self._timeout = settings.database.timeout_seconds
        self._pool: asyncpg.Pool | None = None

    async def _connections(self) -> asyncpg.Pool:
        if self._pool is None:
            self._pool = await asyncpg.create_pool(
                self._dsn,
                min_size=0,
                max_size=self._size,
                timeout=self._timeout,
                command_timeout=self._timeout * 2,
                # Plan each search for its own values: a generic plan cannot tell a rare tag
                # or title fragment (read through an index) from a common one (read in order).
                server_settings={"plan_cache_mode": "force_custom_plan"},
            )
        return self._pool

    async def read(self, query: PageQuery) -> bytes:
        try:
            pool = await self._connections()
            async with pool.acquire(timeout=self._timeout) as conn:
                rows = await self._rows(conn, query)
        except (
            OSError,
            EOFError,
            asyncpg.InterfaceError,
            asyncpg.PostgresConnectionError,
            # A connection the server cut mid-operation, left in that operation's state.
            asyncpg.exceptions.InternalClientError,
        ) as exc:
            # Refused, reset or cut mid-answer (a server stopping): away, not a bug of ours.
            raise _unavailable(exc) from exc
        except asyncpg.PostgresError as exc:
            if sqlstate_unavailable(exc.sqlstate):
                raise _unavailable(exc) from exc
            raise
        return page_body(rows, query.limit)

    async def _rows(self, conn: PoolConnectionProxy[Any], query: PageQuery) -> list[Any]:
        words: list[str] = []
        if query.q and not query.tags and " " not in (key := search_key(query.q)):
            found = await conn.fetch(_WORDS_HOLDING, f"%{escape_like(key)}%")
            if not found:
                return []  # no title has a word holding it
            words = [row[0] for row in found]
        if 0 < len(words) <= MAX_WORDS:
            plans: tuple[Plan, ...] = (Plan.WORDS,)
        elif query.q:
            # Matches may be near or far along the title order, and the planner cannot tell
            # (it takes them to be spread evenly): look near first.
            plans = (Plan.NEARBY, Plan.MATCHES)
        else:
            plans = (Plan.TAGGED,) if query.tags else (Plan.WALK,)
        rows: list[Any] = []
        for plan in plans:
            sql, params = page_sql(self._dialect, query, plan, words)
            rows = await conn.fetch(sql, *params)
            if len(rows) > query.limit:
                break
        return rows

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def _unavailable(exc: Exception) -> ServiceUnavailable:
    log.warning("database unavailable", error=type(exc).__name__)
    return ServiceUnavailable()


class SqlitePages:
    """Pages from SQLite through the engine's own connections."""

    _dialect = _Sqlite()

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def read(self, query: PageQuery) -> bytes:
        sql, params = page_sql(self._dialect, query)
        async with self._engine.connect() as conn:
            rows = (await conn.exec_driver_sql(sql, tuple(params))).all()
        # SQLite gathers a movie's tags as a JSON array.
        return page_body([(*row[:8], orjson.loads(row[-1])) for row in rows], query.limit)

    async def close(self) -> None:
        return None


def page_reader(settings: Settings, engine: AsyncEngine) -> PageReader:
    if settings.database.is_sqlite:
        return SqlitePages(engine)
    return PostgresPages(settings)
