"""The stage a goal is measured on: a throwaway database, its catalogue, accounts and tokens."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg  # type: ignore[import-untyped,unused-ignore]
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import catalogue, database
from bench.report import console
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.provisioning import Account, provisioning, sign_in
from cinepass.scopes import PRESETS
from cinepass.users.models import Role


@contextmanager
def throwaway_database(postgres_url: str, *, keep: bool = False) -> Iterator[str]:
    """A new, migrated database; dropped afterwards unless `keep`."""
    name = database.database_name()
    url = database.database_url(postgres_url, name)
    asyncio.run(database.create_database(postgres_url, name))
    try:
        migrate.upgrade(settings(url))
        yield url
    finally:
        if keep:
            console.print(f"kept the database: {url}")
        else:
            asyncio.run(database.drop_database(postgres_url, name))


def settings(url: str) -> Settings:
    return Settings.model_validate({"database": {"url": url}, "logging": {"level": "WARNING"}})


def grow(url: str, movies: int) -> float:
    """Grow the catalogue to `movies` films with COPY (progress shown); the seconds it took."""
    started = time.perf_counter()
    with Progress(
        TextColumn(f"  COPY to {movies:,} movies"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task("copy", total=None)

        def advance(n: int) -> None:
            progress.advance(task, n)

        added = asyncio.run(catalogue.grow(url, movies, advance))
    elapsed = time.perf_counter() - started
    console.print(
        f"  catalogue: {movies:,} movies ({added:,} added by COPY, then VACUUM ANALYZE,"
        f" in {elapsed:.1f}s)"
    )
    return elapsed


def client(url: str, preset: str = "admin", role: Role = Role.ADMIN) -> database.Client:
    return asyncio.run(database.provision(settings(url), preset=preset, role=role))


def token(api_url: str, who: database.Client) -> str:
    return asyncio.run(sign_in(api_url, who.account, who.api_key)).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def users(url: str, count: int, preset: str = "web") -> tuple[str, list[Account]]:
    """One API key of `preset` and `count` plain users (password hashing included)."""

    async def make() -> tuple[str, list[Account]]:
        async with provisioning(settings(url)) as setup:
            key = await setup.api_key(f"bench ({preset}, {count} users)", PRESETS[preset])
            suffix = uuid.uuid4().hex[:8]
            accounts = [
                await setup.account(
                    name=f"Bench user {i}",
                    email=f"bench-{suffix}-{i}@example.com",
                    password=f"bench-{suffix}-{i}-password",
                )
                for i in range(count)
            ]
        return key, accounts

    return asyncio.run(make())


def tokens(api_url: str, key: str, accounts: list[Account]) -> list[str]:
    """A bearer token for each account, signed in over HTTP one after the other."""

    async def all_of_them() -> list[str]:
        return [(await sign_in(api_url, a, key)).token for a in accounts]

    return asyncio.run(all_of_them())


async def user_ids(url: str, accounts: list[Account]) -> list[str]:
    conn = await asyncpg.connect(catalogue.dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT id, email FROM users WHERE email = ANY($1)", [a.email for a in accounts]
        )
    finally:
        await conn.close()
    by_email = {r["email"]: r["id"] for r in rows}
    return [by_email[a.email] for a in accounts]
