"""Faults: PostgreSQL goes away for a few seconds under load, then comes back.

While it is down every request answers quickly with the JSON 503 envelope (never a 500, never
a hang; a catalogue page the API holds, for its cache's short grace only), readiness says so
and liveness does not; once it is back the same process serves
again without a restart, and every write it acknowledged is in the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import Database, bearer, movie_body
from tests.topology.services import (
    Accounts,
    LogSources,
    PostgresCluster,
    Replica,
    prepare_database,
)

OUTAGE_SECONDS = 3.0
# The API's catalogue pages stay confirmed for twice the poll after its last successful read of
# the catalogue version: within that grace (plus slack) a page it holds may still be served.
CACHE_POLL_SECONDS = 0.4
CACHE_GRACE_SECONDS = 2 * CACHE_POLL_SECONDS + 0.5
DATABASE_TIMEOUT_SECONDS = 2.0
SLOWEST_ANSWER_SECONDS = 5.0


@dataclass
class Call:
    kind: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer (connection error or client timeout)
    body: Any
    movie_id: str | None = None


@dataclass
class Service:
    cluster: PostgresCluster
    api: Replica
    accounts: Accounts


@pytest.fixture
def service(tmp_path: Path, server_logs: LogSources) -> Iterator[Service]:
    with PostgresCluster() as cluster:
        server_logs["PostgreSQL"] = cluster.log
        accounts = prepare_database(cluster.url)
        env = {
            "CINEPASS_ENVIRONMENT": "test",
            "CINEPASS_DATABASE_URL": cluster.url,
            "CINEPASS_DATABASE_TIMEOUT_SECONDS": str(DATABASE_TIMEOUT_SECONDS),
            "CINEPASS_TOKEN_ISSUER": "http://cinepass.test",
            "CINEPASS_REVOCATION_POLL_SECONDS": "0.5",
            "CINEPASS_CACHE_POLL_SECONDS": str(CACHE_POLL_SECONDS),
            "CINEPASS_LOG_LEVEL": "WARNING",
            "CINEPASS_LOG_FORMAT": "json",
        }
        api = Replica("api", env, tmp_path).start()
        server_logs["API"] = api.log
        try:
            api.wait_ready()
            yield Service(cluster, api, accounts)
        finally:
            api.stop()


def _call(http: httpx.Client, kind: str, method: str, path: str, **kwargs: Any) -> Call:
    started = time.monotonic()
    try:
        r = http.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        return Call(kind, started, time.monotonic() - started, 0, repr(exc))
    seconds = time.monotonic() - started
    try:
        body: Any = r.json()
    except ValueError:
        body = r.text
    movie_id = body["data"] if r.status_code == 201 and isinstance(body, dict) else None
    return Call(kind, started, seconds, r.status_code, body, movie_id)


def _load(url: str, token: str, name: str, stop: threading.Event, calls: list[Call]) -> None:
    """One user's traffic: list the movies, add one, again and again."""
    with httpx.Client(base_url=url, timeout=15, headers=bearer(token)) as http:
        i = 0
        while not stop.is_set():
            i += 1
            calls.append(_call(http, "list", "GET", "/api/movies", params={"limit": 5}))
            calls.append(
                _call(http, "add", "POST", "/api/movies", json=movie_body(title=f"{name} {i}"))
            )
            time.sleep(0.02)


def _answers(calls: list[Call]) -> str:
    return ", ".join(f"{c.kind}:{c.status}({c.seconds:.2f}s)" for c in calls)


def test_a_database_outage_is_a_quick_503_and_the_process_recovers_by_itself(
    service: Service,
) -> None:
    url = service.api.url
    accounts = service.accounts
    with httpx.Client(base_url=url, timeout=15) as http:
        r = http.post(
            "/api/auth/sign-in",
            auth=(accounts.admin.email, accounts.admin.password),
            json={"apiKeyToken": accounts.admin_key},
        )
        assert r.status_code == 200, r.text
        token = r.json()["token"]

        stop = threading.Event()
        calls: list[Call] = []
        users = [
            threading.Thread(target=_load, args=(url, token, f"user{n}", stop, calls))
            for n in range(3)
        ]
        for user in users:
            user.start()
        probes: list[Call] = []
        try:
            time.sleep(1.0)
            service.cluster.stop("fast")
            down = time.monotonic()
            while time.monotonic() < down + OUTAGE_SECONDS:
                probes.append(_call(http, "ready", "GET", "/ready"))
                probes.append(_call(http, "health", "GET", "/health"))
                time.sleep(0.3)
            restarting = time.monotonic()
            service.cluster.start()
            up = time.monotonic()

            def serving() -> bool:
                listed = _call(http, "list", "GET", "/api/movies", headers=bearer(token))
                return listed.status == 200

            while not serving():
                assert time.monotonic() - up < 15, "no recovery 15 s after PostgreSQL came back"
                time.sleep(0.1)
            recovered = time.monotonic()
            time.sleep(1.0)
        finally:
            stop.set()
            for user in users:
                user.join(timeout=30)

    during = [c for c in calls if c.started >= down and c.started + c.seconds <= restarting]
    after = [c for c in calls if c.started >= recovered]
    slowest = max(calls + probes, key=lambda c: c.seconds)
    print(
        f"\n{len(calls)} calls; {len(during)} while PostgreSQL was down, slowest"
        f" {max((c.seconds for c in during), default=0):.3f}s (overall {slowest.seconds:.3f}s);"
        f" serving again {recovered - up:.2f}s after PostgreSQL was back"
    )

    unexpected = [c for c in calls + probes if c.status not in (200, 201, 503)]
    assert not unexpected, f"answers other than 200/201/503: {unexpected[:5]}"
    assert slowest.seconds < SLOWEST_ANSWER_SECONDS, f"a request hung: {slowest}"
    for c in calls + probes:
        if c.status == 503:
            assert isinstance(c.body, dict), c
            assert c.body["statusCode"] == 503, c
            assert isinstance(c.body["message"], str), c

    assert len(during) >= 5, f"hardly any traffic during the outage: {_answers(during)}"

    # Nothing can change the catalogue while its database is away: a page the API holds is
    # served for the grace only, then nothing but 503 (the changes go nowhere).
    def graced(c: Call) -> bool:
        return c.kind == "list" and c.started < down + CACHE_GRACE_SECONDS

    assert all(c.status in (200, 503) for c in during if graced(c)), _answers(during)
    refused = [c for c in during if not graced(c)]
    assert len(refused) >= 5, f"hardly any traffic after the grace: {_answers(refused)}"
    assert all(c.status == 503 for c in refused), _answers(refused)
    outage_probes = [p for p in probes if p.started + p.seconds <= restarting]
    assert {p.status for p in outage_probes if p.kind == "ready"} == {503}
    assert {p.status for p in outage_probes if p.kind == "health"} == {200}

    assert recovered - up < 5, f"took {recovered - up:.1f}s to serve again"
    assert after, "the load went on after the recovery"
    assert all(c.status in (200, 201) for c in after), _answers(after)
    assert any(c.status == 201 for c in after)

    acknowledged = {c.movie_id for c in calls if c.status == 201}
    assert any(c.status == 201 and c.started < down for c in calls)
    stored = {row[0] for row in Database(service.cluster.url).query("SELECT id FROM movies")}
    assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged writes"
