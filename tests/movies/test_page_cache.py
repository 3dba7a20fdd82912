"""The catalogue's cached pages: fresh after every change, and never a way around authorization.

Two API processes ("replicas", each with its own cache) share the suite's database. A change
shows at once on the replica that made it and within the poll bound on the other; a change
made behind the API's back (SQL, as an operator might) reaches both too. Every request is still
authorised: a signed-out token or a token without read:movies gets no page, cached or not.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest
from prometheus_client import REGISTRY

from cinepass.api import create_app
from cinepass.config import Settings
from tests.conftest import make_settings
from tests.support import Api, LiveServer, bearer, eventually

POLL_SECONDS = 0.3
# What the API documents: within the poll, twice that when a poll fails; plus the test's slack.
BOUND_SECONDS = 2 * POLL_SECONDS + 1.0


@pytest.fixture(scope="module")
def replica_settings(settings: Settings) -> Settings:
    return make_settings(settings.database.url, cache={"poll_seconds": POLL_SECONDS})


@pytest.fixture(scope="module")
def replicas(replica_settings: Settings, api: Api) -> Iterator[tuple[Api, Api]]:
    with (
        LiveServer(create_app(replica_settings)) as a,
        LiveServer(create_app(replica_settings)) as b,
        httpx.Client(base_url=a.url, timeout=30) as http_a,
        httpx.Client(base_url=b.url, timeout=30) as http_b,
    ):
        yield replace(api, http=http_a), replace(api, http=http_b)


def titles(api: Api, token: str, **params: object) -> list[str]:
    r = api.http.get("/api/movies", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    return [movie["title"] for movie in r.json()["data"]]


def pages_served(source: str) -> float:
    value = REGISTRY.get_sample_value("cinepass_catalogue_pages_total", {"source": source})
    return value or 0.0


def test_a_change_shows_at_once_on_the_replica_that_made_it(
    replicas: tuple[Api, Api], admin_token: str
) -> None:
    a, _ = replicas
    marker = f"Ñandú {uuid.uuid4().hex[:8]}"
    assert titles(a, admin_token, q=marker) == []
    movie_id = a.create_movie(admin_token, title=f"{marker} — El Niño 🎬")
    assert titles(a, admin_token, q=marker) == [f"{marker} — El Niño 🎬"]
    renamed = a.http.put(
        f"/api/movies/{movie_id}", json={"title": f"{marker} Ámbar"}, headers=bearer(admin_token)
    )
    assert renamed.status_code == 200, renamed.text
    assert titles(a, admin_token, q=marker) == [f"{marker} Ámbar"]
    gone = a.http.delete(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert gone.status_code == 200, gone.text
    assert titles(a, admin_token, q=marker) == []


def test_a_change_reaches_the_other_replica_within_the_poll(
    replicas: tuple[Api, Api], admin_token: str
) -> None:
    a, b = replicas
    marker = uuid.uuid4().hex[:8]
    tag = f"película-{marker}"
    # B has the page cached (asked twice) before A changes the catalogue.
    assert titles(b, admin_token, tags=[tag]) == []
    assert titles(b, admin_token, tags=[tag]) == []
    a.create_movie(admin_token, title=f"{marker} Film", tags=[tag])
    changed = time.monotonic()
    eventually(lambda: titles(b, admin_token, tags=[tag]) == [f"{marker} Film"], BOUND_SECONDS)
    assert time.monotonic() - changed <= BOUND_SECONDS


def test_a_change_made_in_sql_reaches_every_replica(
    replicas: tuple[Api, Api], admin_token: str
) -> None:
    a, b = replicas
    marker = uuid.uuid4().hex[:8]
    movie_id = a.create_movie(admin_token, title=f"{marker} Before")
    for replica in (a, b):
        assert titles(replica, admin_token, q=marker) == [f"{marker} Before"]
    a.db.query(
        "UPDATE movies SET title = :title, title_key = :key WHERE id = :id",
        title=f"{marker} After",
        key=f"{marker} after",
        id=movie_id,
    )
    for replica in (a, b):
        eventually(lambda r=replica: titles(r, admin_token, q=marker) == [f"{marker} After"])


def test_a_page_asked_for_again_comes_from_the_cache(
    replicas: tuple[Api, Api], admin_token: str
) -> None:
    a, _ = replicas
    marker = uuid.uuid4().hex[:8]
    a.create_movie(admin_token, title=f"{marker} Cached", tags=["ciencia-ficción"])
    before = pages_served("cache"), pages_served("database")
    # The same page, asked for in three spellings of the same request.
    asked = [
        {"q": marker, "tags": ["ciencia-ficción"]},
        {"q": f" {marker} ", "tags": ["ciencia-ficción "]},
        {"q": marker, "tags": ["ciencia-ficcio\u0301n"]},
    ]
    for params in asked:
        assert titles(a, admin_token, **params) == [f"{marker} Cached"]
    assert pages_served("database") - before[1] <= 1
    assert pages_served("cache") - before[0] >= 2


def test_with_every_cache_off_each_page_is_read_from_the_database(
    settings: Settings, api: Api, admin_token: str
) -> None:
    cold = make_settings(settings.database.url, cache={"enabled": False})
    with LiveServer(create_app(cold)) as server, httpx.Client(base_url=server.url) as http:
        replica = replace(api, http=http)
        before = pages_served("database")
        for _ in range(3):
            titles(replica, admin_token, limit=5)
        assert pages_served("database") - before == 3


def test_a_cached_page_is_never_served_without_authorization(
    replicas: tuple[Api, Api], make_key: Callable[[list[str]], str]
) -> None:
    a, _ = replicas
    email = f"cache-{uuid.uuid4().hex[:8]}@example.com"
    password = "una contraseña larga ñandú"
    a.sign_up(email, password)
    # A key that grants no read:movies: its token gets no page, however cached.
    no_catalogue = a.token(email, password, make_key(["signin:auth", "read:user-movies"]))
    signed_in = a.sign_in(email, password)
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["token"]
    assert titles(a, token, limit=3)
    assert titles(a, token, limit=3)
    scoped_out = a.http.get("/api/movies", params={"limit": 3}, headers=bearer(no_catalogue))
    assert scoped_out.status_code == 403, scoped_out.text
    assert a.http.get("/api/movies", params={"limit": 3}).status_code == 401
    out = a.http.post("/api/auth/sign-out", headers=bearer(token))
    assert out.status_code in (200, 204), out.text
    refused = a.http.get("/api/movies", params={"limit": 3}, headers=bearer(token))
    assert refused.status_code == 401, refused.text
    assert refused.json()["message"] == "the token has been revoked"
