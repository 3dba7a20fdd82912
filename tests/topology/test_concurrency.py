"""Concurrent writers: a hundred requests racing for one row leave exactly one row.

Run on a throwaway PostgreSQL database and on a SQLite file, each with a server of its own.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from cinepass.api import create_app
from tests.conftest import make_settings
from tests.support import Api, LiveServer, bearer, postgres_database
from tests.topology.services import prepare_database

RACERS = 100
THREADS = 25
PASSWORD = "one passphrase for everyone"

T = TypeVar("T")


@pytest.fixture(scope="module", params=["postgres", "sqlite"])
def racing_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """A server with generous limits on a database of its own."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("racing") / "cinepass.db"
        database: AbstractContextManager[str] = nullcontext(f"sqlite+aiosqlite:///{path}")
    else:
        database = postgres_database()
    with database as url:
        accounts = prepare_database(url)
        with (
            LiveServer(create_app(make_settings(url))) as server,
            httpx.Client(
                base_url=server.url,
                timeout=60,
                limits=httpx.Limits(max_connections=THREADS, max_keepalive_connections=THREADS),
            ) as http,
        ):
            yield accounts.api(http, url)


def race(attempt: Callable[[int], T]) -> list[T]:
    """Run `attempt(i)` for i in range(RACERS) on THREADS threads, released all at once."""
    go = threading.Event()

    def run(i: int) -> T:
        go.wait()
        return attempt(i)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(run, i) for i in range(RACERS)]
        go.set()
        return [f.result() for f in futures]


def test_a_hundred_sign_ups_with_one_email_make_one_account(racing_api: Api) -> None:
    api = racing_api
    email = f"race-{uuid.uuid4().hex[:10]}@example.com"

    def sign_up(i: int) -> httpx.Response:
        # Half of them in capitals: the address is the same account whatever its case.
        return api.http.post(
            "/api/auth/sign-up",
            json={
                "name": f"Racer {i}",
                "email": email.upper() if i % 2 else email,
                "password": PASSWORD,
                "apiKeyToken": api.public_key,
            },
        )

    answers = race(sign_up)
    statuses = Counter(r.status_code for r in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, statuses
    conflict = next(r for r in answers if r.status_code == 409)
    assert conflict.json()["statusCode"] == 409
    rows = api.db.query("SELECT id FROM users WHERE email_key = :k", k=email)
    created = next(r for r in answers if r.status_code == 201)
    assert rows == [(created.json()["data"],)]
    assert api.sign_in(email, PASSWORD).status_code == 200


def test_a_hundred_adds_of_one_movie_make_one_list_entry(racing_api: Api) -> None:
    api = racing_api
    movie_id = api.create_movie(title=f"Racing {uuid.uuid4().hex[:6]}")
    user_id, token = api.new_user(PASSWORD)

    def add(_: int) -> httpx.Response:
        return api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(token))

    answers = race(add)
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {200, 201}, [r.text for r in answers if r.status_code >= 300][:3]
    assert statuses[201] == 1, statuses
    entry_ids = {r.json()["data"] for r in answers}
    assert len(entry_ids) == 1, entry_ids
    rows = api.db.query(
        "SELECT id FROM user_movies WHERE user_id = :u AND movie_id = :m", u=user_id, m=movie_id
    )
    assert rows == [(entry_ids.pop(),)]
    listed = api.http.get("/api/user-movies", headers=bearer(token)).json()["data"]
    assert [e["movieId"] for e in listed] == [movie_id]
