"""Issue 8 item 13 and SECURITY.md row 56: Redis goes away under load, then comes back.

Two `cinepass api` replicas share a database and a Redis of the test's own. While Redis is
down, the routes that count abuse (sign-in, right or wrong) answer a quick 503 with Retry-After,
sign-out still ends the token on every replica (the database is the record of revocations),
/ready says 503; once Redis is back everything serves again without a restart.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cinepass.config import Settings
from tests.conftest import KEY_ENCRYPTION_KEY
from tests.support import Api, bearer, eventually, free_port, unavailable
from tests.topology.services import LogSources, Replica, redis_client, replicas

SLOWEST_ANSWER_SECONDS = 5.0
_EPHEMERAL = ("--appendonly", "no", "--dir", "/tmp")


class RedisServer:
    """`redis-server` on a free loopback port, without persistence; stopped and started."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server", "install Redis (apt-get install redis-server)")
        assert binary is not None
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *_EPHEMERAL],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            client = None
            try:
                client = redis_client(self.url)
                return
            except BaseException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                if client is not None:
                    client.close()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _env(settings: Settings, redis_url: str) -> dict[str, str]:
    return {
        "CINEPASS_ENVIRONMENT": "test",
        "CINEPASS_DATABASE_URL": settings.database.url,
        "CINEPASS_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
        "CINEPASS_REDIS_URL": redis_url,
        "CINEPASS_TOKEN_ISSUER": settings.tokens.issuer,
        "CINEPASS_REVOCATION_POLL_SECONDS": "0.3",
        "CINEPASS_SIGNIN_FAILURES_PER_ACCOUNT": "10000 per minute",
        "CINEPASS_SIGNIN_FAILURES_PER_ADDRESS": "10000 per minute",
        "CINEPASS_LOG_LEVEL": "WARNING",
        "CINEPASS_LOG_FORMAT": "json",
    }


@dataclass
class Call:
    kind: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer
    body: Any
    retry_after: str | None


def _call(http: httpx.Client, kind: str, method: str, url: str, **kwargs: Any) -> Call:
    started = time.monotonic()
    try:
        r = http.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        return Call(kind, started, time.monotonic() - started, 0, repr(exc), None)
    try:
        body: Any = r.json()
    except ValueError:
        body = r.text
    seconds = time.monotonic() - started
    return Call(kind, started, seconds, r.status_code, body, r.headers.get("retry-after"))


def _load(urls: list[str], api: Api, token: str, stop: threading.Event, out: list[Call]) -> None:
    """Sign-ins, right and wrong, and reads, round-robin over the replicas."""
    with httpx.Client(timeout=15) as http:
        i = 0
        while not stop.is_set():
            url = urls[i % len(urls)]
            i += 1
            password = api.admin_password if i % 2 else "a wrong password"
            sign_in = f"{url}/api/auth/sign-in"
            body = {"apiKeyToken": api.admin_key}
            auth = (api.admin_email, password)
            out.append(_call(http, "sign-in", "POST", sign_in, auth=auth, json=body))
            out.append(_call(http, "list", "GET", f"{url}/api/movies", headers=bearer(token)))
            time.sleep(0.02)


def _status(url: str, path: str, token: str | None = None) -> int:
    headers = bearer(token) if token else {}
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{url}{path}", headers=headers, timeout=10).status_code
    return 0


def test_a_redis_outage_is_a_quick_503_sign_out_still_revokes_and_all_recovers(
    api: Api,
    settings: Settings,
    redis_server: RedisServer,
    tmp_path: Path,
    server_logs: LogSources,
) -> None:
    env = _env(settings, redis_server.url)
    with replicas(2, env, tmp_path) as (a, b):
        server_logs["replica a"] = a.log
        server_logs["replica b"] = b.log
        urls = [a.url, b.url]
        token = api.admin_token()
        signed_out = api.admin_token()
        stop = threading.Event()
        started_in_outage: Replica | None = None
        calls: list[Call] = []
        users = [
            threading.Thread(target=_load, args=(urls, api, token, stop, calls)) for _ in range(3)
        ]
        for user in users:
            user.start()
        try:
            time.sleep(0.5)
            redis_server.stop()
            down = time.monotonic()
            assert eventually(lambda: _status(a.url, "/ready") == 503, seconds=5)
            assert _status(b.url, "/ready") == 503
            assert _status(a.url, "/health") == 200

            r = httpx.post(f"{b.url}/api/auth/sign-out", headers=bearer(signed_out), timeout=10)
            assert r.status_code in (200, 204), r.text
            # Refused where it was signed out at once, and on the other replica by polling
            # the database.
            assert _status(b.url, "/api/movies", signed_out) == 401
            assert eventually(lambda: _status(a.url, "/api/movies", signed_out) == 401)
            # A replica started during the outage serves what needs no Redis.
            started_in_outage = in_outage = Replica("c", env, tmp_path).start()
            server_logs["replica c"] = in_outage.log
            assert eventually(lambda: _status(in_outage.url, "/health") == 200, 30)
            assert _status(in_outage.url, "/ready") == 503
            assert _status(in_outage.url, "/api/movies", signed_out) == 401
            assert _status(in_outage.url, "/api/movies", token) == 200
            time.sleep(0.5)
            outage_end = time.monotonic()
            redis_server.start()
            up = time.monotonic()
            for url in [*urls, in_outage.url]:
                assert eventually(lambda u=url: _status(u, "/ready") == 200, seconds=10)
            recovered = time.monotonic()
            time.sleep(1.0)
        finally:
            stop.set()
            for user in users:
                user.join(timeout=30)
            if started_in_outage is not None:
                started_in_outage.stop()

        # Redis forgot everything (no persistence): the revocation still holds, read from
        # the database, here and on a replica started after the outage.
        assert _status(a.url, "/api/movies", signed_out) == 401
        assert _status(b.url, "/api/movies", signed_out) == 401
        late = Replica("d", env, tmp_path).start()
        server_logs["replica d"] = late.log
        try:
            late.wait_ready()
            assert _status(late.url, "/api/movies", signed_out) == 401
            assert _status(late.url, "/api/movies", token) == 200
        finally:
            late.stop()
        logs = {name: read() for name, read in server_logs.items()}

    print(f"\n{len(calls)} calls; ready {recovered - up:.2f}s after Redis was back")
    unexpected = [c for c in calls if c.status not in (200, 401, 503)]
    assert not unexpected, f"answers other than 200/401/503: {unexpected[:5]}"
    slowest = max(calls, key=lambda c: c.seconds)
    assert slowest.seconds < SLOWEST_ANSWER_SECONDS, f"a request hung: {slowest}"

    during = [c for c in calls if c.started >= down + 0.2 and c.started + c.seconds <= outage_end]
    sign_ins = [c for c in during if c.kind == "sign-in"]
    assert len(sign_ins) >= 5, "hardly any sign-ins during the outage"
    assert all(c.status == 503 for c in sign_ins), [c for c in sign_ins if c.status != 503][:3]
    for c in sign_ins:
        assert c.body["statusCode"] == 503
        assert c.body["error"] == "Service Unavailable"
        assert c.retry_after is not None
        assert int(c.retry_after) >= 1
    assert {c.status for c in during if c.kind == "list"} == {200}, "reads need no Redis"

    after = [c for c in calls if c.started >= recovered]
    assert {c.status for c in after if c.kind == "sign-in"} <= {200, 401}
    assert any(c.status == 200 for c in after if c.kind == "sign-in")
    for name, text in logs.items():
        assert "Traceback" not in text, f"{name} logged a traceback:\n{text}"
