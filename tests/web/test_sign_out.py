"""Issue 8 item 6: a signed-out cookie is never accepted again, even when the API could not be
told at sign-out; the render server tells it as soon as it is back."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.web.app import create_web_app
from cinepass.web.session_cookie import CookieSealer, WebSession
from tests.support import Api, LiveServer, bearer, eventually, free_port, unavailable
from tests.web.conftest import COOKIE, CSRF, Browser, new_cookie_key, web_settings

PASSWORD = "a passphrase to sign out"


@dataclass
class Stack:
    """A render server (or two) in front of an API of this test's own, which it can stop."""

    settings: Settings
    api: Api
    api_port: int
    urls: list[str]
    sealer: CookieSealer

    @contextmanager
    def api_running(self) -> Iterator[None]:
        with LiveServer(create_app(self.settings), port=self.api_port):
            yield

    def signed_in(self, url: str | None = None) -> tuple[Browser, str, WebSession]:
        email = f"salida-{uuid.uuid4().hex[:8]}@example.com"
        self.api.sign_up(email, PASSWORD, name="Íñigo Peña 🎬")
        browser = Browser(url or self.urls[0])
        r = browser.post(
            "/auth/sign-in",
            json={"email": email, "password": PASSWORD},
            headers={**CSRF, "Origin": str(browser.base_url)},
        )
        assert r.status_code == 200, r.text
        assert r.json()["user"]["name"] == "Íñigo Peña 🎬"
        cookie = browser.session_cookie
        assert cookie is not None
        session = self.sealer.open(cookie)
        assert session is not None
        return browser, cookie, session

    def session_with(self, url: str, cookie: str) -> bool:
        r = httpx.get(f"{url}/auth/session", headers={"cookie": f"{COOKIE}={cookie}"}, timeout=30)
        assert r.status_code == 200, r.text
        return bool(r.json()["signedIn"])

    def sign_out(self, browser: Browser) -> httpx.Response:
        return browser.post("/auth/sign-out", headers={**CSRF, "Origin": str(browser.base_url)})

    def api_refuses(self, session: WebSession) -> bool:
        me = self.api.http.get("/api/auth/me", headers=bearer(session.access_token))
        refresh = self.api.http.post(
            "/api/auth/refresh",
            json={"refreshToken": session.refresh_token, "apiKeyToken": self.api.public_key},
        )
        return me.status_code == 401 and refresh.status_code == 401


@contextmanager
def own_redis() -> Iterator[tuple[str, RedisServer]]:
    """A redis-server of this test's own on a free port, which the test can stop and start."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server", "not on PATH")
    assert binary is not None
    redis_server = RedisServer(binary, free_port())
    try:
        yield f"redis://127.0.0.1:{redis_server.port}/0", redis_server.start()
    finally:
        redis_server.stop()


class RedisServer:
    def __init__(self, binary: str, port: int):
        self.binary, self.port = binary, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        eventually(lambda: _pings(client), seconds=10)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@contextmanager
def stack_of(
    api: Api, settings: Settings, static: Path, replicas: int = 1, **groups: dict[str, object]
) -> Iterator[Stack]:
    api_port = free_port()
    key = new_cookie_key()
    ports = [free_port() for _ in range(replicas)]
    servers = [
        LiveServer(
            create_web_app(
                web_settings(
                    api,
                    port,
                    static,
                    **groups,
                    api={"url": f"http://127.0.0.1:{api_port}"},
                    web={"session_keys": [key]},
                )
            ),
            port=port,
        )
        for port in ports
    ]
    with ExitStack() as running:
        for server in servers:
            running.enter_context(server)
        yield Stack(settings, api, api_port, [s.url for s in servers], CookieSealer([key]))


@pytest.fixture
def stack(api: Api, settings: Settings, web_static: Path) -> Iterator[Stack]:
    with stack_of(api, settings, web_static) as built:
        yield built


def test_sign_out_ends_the_session_at_the_api_and_the_cookie_is_refused(stack: Stack) -> None:
    with stack.api_running():
        browser, cookie, session = stack.signed_in()
        r = stack.sign_out(browser)
        assert r.status_code == 200, r.text
        assert browser.session_cookie is None
        assert not stack.session_with(stack.urls[0], cookie)
        eventually(lambda: stack.api_refuses(session))
        browser.close()


def test_sign_out_while_the_api_is_down_is_503_and_the_cookie_is_never_accepted_again(
    stack: Stack,
) -> None:
    with stack.api_running():
        browser, cookie, session = stack.signed_in()
        assert stack.session_with(stack.urls[0], cookie)
    down = browser.get("/auth/session")
    assert down.status_code == 503, down.text
    assert int(down.headers["retry-after"]) > 0
    started = time.monotonic()
    r = stack.sign_out(browser)
    assert r.status_code == 503, r.text
    assert set(r.json()) == {"statusCode", "error", "message", "requestId"}
    assert int(r.headers["retry-after"]) > 0
    assert time.monotonic() - started < 10
    assert browser.session_cookie is None, "the browser is told to drop the cookie anyway"
    with stack.api_running():
        assert not stack.session_with(stack.urls[0], cookie)
        # The render server tells the API in the background, once it is back.
        eventually(lambda: stack.api_refuses(session), seconds=20)
        assert not stack.session_with(stack.urls[0], cookie)
    browser.close()


def test_with_redis_every_replica_refuses_a_cookie_signed_out_at_another(
    api: Api, settings: Settings, web_static: Path
) -> None:
    with (
        own_redis() as (url, redis_server),
        stack_of(api, settings, web_static, replicas=2, redis={"url": url}) as stack,
    ):
        with stack.api_running():
            browser, cookie, session = stack.signed_in(stack.urls[0])
            assert stack.session_with(stack.urls[1], cookie)
        assert stack.sign_out(browser).status_code == 503
        with stack.api_running():
            assert not stack.session_with(stack.urls[1], cookie)
            eventually(lambda: stack.api_refuses(session), seconds=20)

            # Redis down: signing out still works, and this replica remembers it.
            redis_server.stop()
            other, other_cookie, _ = stack.signed_in(stack.urls[0])
            r = stack.sign_out(other)
            assert r.status_code == 200, r.text
            assert not stack.session_with(stack.urls[0], other_cookie)
            assert not stack.session_with(stack.urls[1], other_cookie)
            redis_server.start()
            assert not stack.session_with(stack.urls[1], cookie)
        browser.close()
        other.close()
