"""Test plumbing: real servers on loopback, throwaway databases, and an API helper."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from cinepass.http_protocol import uvicorn_http_options

PG_ADMIN_URL = os.environ.get(
    "CINEPASS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, how: str) -> None:
    """Under CI a missing dependency fails the run; elsewhere the test says so and skips."""
    message = f"{what} is not available ({how})"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


SPA_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"


def built_spa() -> Path:
    """frontend/dist, or the test fails (CI) or skips (elsewhere): a stub page tests nothing."""
    if not (SPA_DIST / "index.html").is_file():
        unavailable("the built SPA", f"no {SPA_DIST}/index.html; run `make frontend` first")
    return SPA_DIST


def run(coro: Any) -> Any:
    """asyncio.run, also from a thread whose loop is busy (Playwright's sync API runs one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _admin_execute(sql: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"cinepass_test_{uuid.uuid4().hex[:12]}"
    try:
        run(_admin_execute(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        unavailable("PostgreSQL", f"{PG_ADMIN_URL.split('@')[-1]}: {type(exc).__name__}: {exc}")
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        drop_postgres_database(f"{base}/{name}")


def drop_postgres_database(url: str) -> None:
    name = url.rpartition("/")[2]
    run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """A uvicorn server in a background thread, listening on a loopback port."""

    def __init__(self, app: Any, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            # As `cinepass api` and `cinepass web` run: only the app decides whom to believe.
            proxy_headers=False,
            **uvicorn_http_options(),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class Database:
    url: str

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        async def go() -> list[tuple[Any, ...]]:
            engine = create_async_engine(self.url, poolclass=NullPool)
            try:
                async with engine.begin() as conn:
                    result = await conn.execute(text(sql), params)
                    return [tuple(r) for r in result.fetchall()] if result.returns_rows else []
            finally:
                await engine.dispose()

        rows: list[tuple[Any, ...]] = run(go())
        return rows

    def scalar(self, sql: str, **params: Any) -> Any:
        rows = self.query(sql, **params)
        return rows[0][0] if rows else None

    def moment(self, at: datetime) -> datetime | str:
        """A time as a raw query's parameter: SQLite keeps naive UTC text, as cinepass writes."""
        if self.url.startswith("sqlite"):
            return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return at


def movie_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "The General",
        "year": 1926,
        "cover": "https://example.org/posters/the-general.svg",
        "description": "A train engineer chases the locomotive he loves across enemy lines.",
        "duration": 78,
        "contentRating": "G",
        "source": "https://example.org/media/the-general.mp4",
        "tags": ["comedy", "silent"],
    }
    body.update(overrides)
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    """An HTTP client on the live API plus the keys and accounts the tests share."""

    http: httpx.Client
    db: Database
    admin_key: str
    public_key: str
    admin_email: str
    admin_password: str

    def sign_up(
        self, email: str, password: str = "correct horse battery", name: str = "Ada"
    ) -> str:
        r = self.http.post(
            "/api/auth/sign-up",
            json={
                "name": name,
                "email": email,
                "password": password,
                "apiKeyToken": self.public_key,
            },
        )
        assert r.status_code == 201, r.text
        user_id: str = r.json()["data"]
        return user_id

    def sign_in(self, email: str, password: str, key: str | None = None) -> httpx.Response:
        return self.http.post(
            "/api/auth/sign-in",
            auth=(email, password),
            json={"apiKeyToken": key or self.public_key},
        )

    def token(self, email: str, password: str, key: str | None = None) -> str:
        r = self.sign_in(email, password, key)
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        return token

    def new_user(self, password: str = "correct horse battery") -> tuple[str, str]:
        """A fresh user signed in with the public key: (user id, token)."""
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        user_id = self.sign_up(email, password)
        return user_id, self.token(email, password)

    def admin_token(self) -> str:
        return self.token(self.admin_email, self.admin_password, self.admin_key)

    def stale_token(
        self, signed_in: httpx.Response, minutes: int = 11, key: str | None = None
    ) -> str:
        """An access token of the same session whose sign-in is `minutes` old, the honest way:
        the session's sign-in time moves back, then its refresh token gets a new access token
        (which carries the session's auth_time). `key`: the one it signed in with."""
        body = signed_in.json()
        session_id = self._claims(body["token"])["sid"]
        self.db.query(
            "UPDATE sessions SET created_at = :at WHERE id = :id",
            at=self.db.moment(datetime.now(UTC) - timedelta(minutes=minutes)),
            id=session_id,
        )
        r = self.http.post(
            "/api/auth/refresh",
            json={"refreshToken": body["refreshToken"], "apiKeyToken": key or self.public_key},
        )
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        return token

    @staticmethod
    def _claims(token: str) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        return claims

    def create_movie(self, token: str | None = None, **overrides: Any) -> str:
        r = self.http.post(
            "/api/movies", json=movie_body(**overrides), headers=bearer(token or self.admin_token())
        )
        assert r.status_code == 201, r.text
        movie_id: str = r.json()["data"]
        return movie_id


def backoffice(settings: Any, work: Any) -> Any:
    """Run `work(events, db)` as an operator's command would, in its own process state."""
    from cinepass.api import operator_session

    async def go() -> Any:
        async with operator_session(settings) as (events, db):
            return await work(events, db)

    return run(go())


def eventually(check: Any, seconds: float = 5.0) -> Any:
    """Poll `check()` until it returns a truthy value, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {seconds}s: {check}")
        time.sleep(0.05)


def has_session(browser: httpx.Client) -> bool:
    """Whether the render server holds a session for this browser (200 either way)."""
    answer = browser.get("/auth/session")
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["signedIn"])


def envelope(answer: httpx.Response) -> dict[str, Any]:
    """An error body without its `requestId`, once that is checked to be the answer's id."""
    body: dict[str, Any] = dict(answer.json())
    assert body.pop("requestId") == answer.headers["x-request-id"]
    return body
