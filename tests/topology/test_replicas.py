"""Several replicas, one state: two API processes behind nginx share PostgreSQL and Redis.

A user's token, sign-out and failed sign-ins mean the same whichever replica answers, and
losing a replica loses no write it acknowledged.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support import Api, bearer, eventually, movie_body, postgres_database
from tests.topology.services import (
    Accounts,
    LogSources,
    Nginx,
    Replica,
    prepare_database,
    replicas,
    reset_limits,
)

PASSWORD = "a passphrase for every replica"
POLL_SECONDS = 0.5  # CINEPASS_REVOCATION_POLL_SECONDS of the replicas
FAILURES_PER_ACCOUNT = 4
FAILURES_PER_ADDRESS = 12


@dataclass
class Topology:
    a: Replica
    b: Replica
    nginx: Nginx
    database_url: str
    redis_url: str
    accounts: Accounts
    clients: list[httpx.Client] = field(default_factory=list)

    def api(self, url: str) -> Api:
        http = httpx.Client(base_url=url, timeout=20)
        self.clients.append(http)
        return self.accounts.api(http, self.database_url)

    @property
    def via_a(self) -> Api:
        return self.api(self.a.url)

    @property
    def via_b(self) -> Api:
        return self.api(self.b.url)

    @property
    def via_nginx(self) -> Api:
        return self.api(self.nginx.url)


@pytest.fixture(scope="module")
def topology(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    workdir: Path = tmp_path_factory.mktemp("replicas")
    with postgres_database() as database_url:
        accounts = prepare_database(database_url)
        env = {
            "CINEPASS_ENVIRONMENT": "test",
            "CINEPASS_DATABASE_URL": database_url,
            "CINEPASS_REDIS_URL": redis_url,
            "CINEPASS_TRUSTED_PROXIES": '["127.0.0.1"]',
            "CINEPASS_REVOCATION_POLL_SECONDS": str(POLL_SECONDS),
            "CINEPASS_TOKEN_ISSUER": "http://cinepass.test",
            "CINEPASS_SIGNIN_FAILURES_PER_ACCOUNT": f"{FAILURES_PER_ACCOUNT} per 30 seconds",
            "CINEPASS_SIGNIN_FAILURES_PER_ADDRESS": f"{FAILURES_PER_ADDRESS} per 30 seconds",
            "CINEPASS_SIGNUP_PER_ADDRESS": "1000 per minute",
            "CINEPASS_REFRESH_PER_ADDRESS": "1000 per minute",
            "CINEPASS_LOG_LEVEL": "WARNING",
            "CINEPASS_LOG_FORMAT": "json",
        }
        with (
            replicas(2, env, workdir) as (a, b),
            Nginx([f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"], workdir) as nginx,
        ):
            topology = Topology(a, b, nginx, database_url, redis_url, accounts)
            try:
                yield topology
            finally:
                for client in topology.clients:
                    client.close()


@pytest.fixture(autouse=True)
def _logs_of_a_failure(topology: Topology, server_logs: LogSources) -> None:
    server_logs.update(
        {"replica a": topology.a.log, "replica b": topology.b.log, "nginx": topology.nginx.log}
    )


@pytest.fixture
def fresh_limits(topology: Topology) -> None:
    """Each limits test starts with no failed sign-in counted anywhere."""
    reset_limits(topology.redis_url)


def new_account(api: Api) -> str:
    email = f"replica-{uuid.uuid4().hex[:10]}@example.com"
    api.sign_up(email, PASSWORD)
    return email


def sign_in(api: Api, email: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    return api.http.post(
        "/api/auth/sign-in",
        auth=(email, password),
        json={"apiKeyToken": api.public_key},
        headers=headers,
    )


def movies_status(api: Api, token: str) -> int:
    return api.http.get("/api/movies", headers=bearer(token)).status_code


def test_a_token_signed_in_through_one_replica_works_on_the_other(topology: Topology) -> None:
    a, b = topology.via_a, topology.via_b
    email = new_account(b)
    r = sign_in(a, email)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert movies_status(b, token) == 200
    me = b.http.get("/api/user-movies", headers=bearer(token))
    assert me.status_code == 200, me.text
    # And the other way round, with a refresh through B of a session started on A.
    refreshed = b.http.post(
        "/api/auth/refresh",
        json={"refreshToken": r.json()["refreshToken"], "apiKeyToken": b.public_key},
    )
    assert refreshed.status_code == 200, refreshed.text
    assert movies_status(a, refreshed.json()["token"]) == 200


def test_signing_out_through_one_replica_ends_the_tokens_on_the_other(
    topology: Topology,
) -> None:
    a, b = topology.via_a, topology.via_b
    email = new_account(a)
    body = sign_in(a, email).json()
    token, refresh_token = body["token"], body["refreshToken"]
    assert movies_status(b, token) == 200, "B accepts the token before the sign-out"

    r = a.http.post("/api/auth/sign-out", headers=bearer(token))
    assert r.status_code == 200, r.text
    signed_out = time.monotonic()

    refreshed = b.http.post(
        "/api/auth/refresh", json={"refreshToken": refresh_token, "apiKeyToken": b.public_key}
    )
    assert refreshed.status_code == 401, "the refresh token is dead at once, everywhere"
    assert movies_status(a, token) == 401, "the replica that signed out refuses at once"

    def refused_by_b() -> bool:
        r = b.http.get("/api/movies", headers=bearer(token))
        return r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]

    eventually(refused_by_b, seconds=3)
    window = time.monotonic() - signed_out
    print(f"\nrevocation window across replicas: {window:.3f}s (poll {POLL_SECONDS}s)")
    # Refused for good on both replicas, not for one poll of the revocation list.
    time.sleep(3 * POLL_SECONDS)
    assert refused_by_b(), "B accepts the signed-out token again after its next polls"
    assert movies_status(a, token) == 401
    assert movies_status(topology.via_nginx, token) == 401


def test_failed_sign_ins_are_counted_across_replicas(
    topology: Topology, fresh_limits: None
) -> None:
    a, b = topology.via_a, topology.via_b
    email = new_account(a)
    statuses = []
    for i in range(FAILURES_PER_ACCOUNT + 1):
        statuses.append(sign_in((a, b)[i % 2], email, "not the passphrase"))
    assert [r.status_code for r in statuses] == [401] * FAILURES_PER_ACCOUNT + [429]
    blocked = statuses[-1]
    assert blocked.json()["statusCode"] == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 30
    for replica in (a, b):
        assert sign_in(replica, email).status_code == 429, "even the right password waits"


def test_failed_sign_ins_through_nginx_are_counted_across_replicas(
    topology: Topology, fresh_limits: None
) -> None:
    lb = topology.via_nginx
    email = new_account(lb)
    statuses = [
        sign_in(lb, email, "not the passphrase").status_code
        for _ in range(FAILURES_PER_ACCOUNT + 1)
    ]
    assert statuses == [401] * FAILURES_PER_ACCOUNT + [429]
    # Round robin sent those to both replicas: neither lets the account in now.
    assert sign_in(topology.via_a, email).status_code == 429
    assert sign_in(topology.via_b, email).status_code == 429


def test_a_forged_forwarded_for_through_nginx_does_not_escape_the_address_limit(
    topology: Topology, fresh_limits: None
) -> None:
    lb = topology.via_nginx
    statuses = [
        sign_in(
            lb,
            f"spray-{i}-{uuid.uuid4().hex[:6]}@example.com",
            "guess",
            **{"X-Forwarded-For": f"203.0.113.{i + 1}"},
        ).status_code
        for i in range(FAILURES_PER_ADDRESS + 1)
    ]
    assert statuses == [401] * FAILURES_PER_ADDRESS + [429]


@dataclass
class Outcome:
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all
    movie_id: str | None


def _write_movies(
    url: str, token: str, name: str, stop: threading.Event, outcomes: list[Outcome]
) -> None:
    with httpx.Client(base_url=url, timeout=15, headers=bearer(token)) as http:
        i = 0
        while not stop.is_set():
            i += 1
            started = time.monotonic()
            try:
                r = http.post("/api/movies", json=movie_body(title=f"Load {name}-{i}"))
            except httpx.TransportError:
                outcomes.append(Outcome(started, time.monotonic(), 0, None))
                continue
            movie_id = r.json()["data"] if r.status_code == 201 else None
            outcomes.append(Outcome(started, time.monotonic(), r.status_code, movie_id))


def test_killing_a_replica_mid_load_loses_no_acknowledged_write(
    topology: Topology, fresh_limits: None
) -> None:
    lb = topology.via_nginx
    token = lb.admin_token()
    stop = threading.Event()
    outcomes: list[Outcome] = []
    writers = [
        threading.Thread(
            target=_write_movies, args=(topology.nginx.url, token, f"w{n}", stop, outcomes)
        )
        for n in range(4)
    ]
    for writer in writers:
        writer.start()
    try:
        time.sleep(1.5)
        killed = time.monotonic()
        topology.a.kill()
        time.sleep(2.5)
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=30)

    before = [o for o in outcomes if o.ended < killed]
    after = [o for o in outcomes if o.started >= killed]
    assert len(before) >= 10, "the load ran before the kill"
    assert all(o.status == 201 for o in before), [o.status for o in before]
    failed = [o for o in outcomes if o.status != 201]
    print(
        f"\nwrites: {len(outcomes)} ({len(before)} done before the kill, {len(after)} after);"
        f" failed around the kill: {[o.status for o in failed]}"
    )
    assert all(o.status in (0, 502, 503, 504) for o in failed), [o.status for o in failed]
    # At most one per writer: the write that was in flight on A when it died.
    assert len(failed) <= len(writers), f"{len(failed)} failed writes around the kill"
    settled = [o for o in after if o.started > killed + 0.5]
    assert settled, "writes went on after the kill"
    assert all(o.status == 201 for o in settled), "B takes every write once A is gone"
    assert sum(o.status == 201 for o in after) > len(after) / 2

    acknowledged = {o.movie_id for o in outcomes if o.status == 201}
    stored = {row[0] for row in lb.db.query("SELECT id FROM movies")}
    assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged writes"
    # And the surviving replica serves them.
    last = [o.movie_id for o in after if o.movie_id][-5:]
    for movie_id in last:
        assert lb.http.get(f"/api/movies/{movie_id}", headers=bearer(token)).status_code == 200
    assert not topology.a.alive
    assert topology.b.alive
