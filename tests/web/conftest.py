"""The render server under test: a real one on loopback, in front of the live API."""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cinepass.api import create_app
from cinepass.web.app import create_web_app
from tests.conftest import make_settings
from tests.support import Api, LiveServer, built_spa, free_port

CSRF = {"X-Cinepass-CSRF": "1"}
CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)


def link_token(link: str) -> str:
    """The token of a mailed link (`<origin>/reset-password#token=...`): in its fragment."""
    parts = urlsplit(link)
    assert not parts.query, f"a token link carries nothing in its query: {link}"
    (token,) = parse_qs(parts.fragment)["token"]
    return token


def new_cookie_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


COOKIE = "__Host-cinepass"


class Browser(httpx.Client):
    """An httpx client that keeps the session cookie as a browser on a trustworthy origin would.

    httpx never sends a `Secure` cookie over http://; Chromium does for 127.0.0.1, which is a
    potentially trustworthy origin. So the jar is kept here by hand.
    """

    def __init__(
        self, base_url: str, local_address: str | None = None, user_agent: str | None = None
    ):
        # `local_address` (say 127.0.0.2) makes this browser another client to the server.
        transport = httpx.HTTPTransport(local_address=local_address) if local_address else None
        headers = {"User-Agent": user_agent} if user_agent else None
        super().__init__(base_url=base_url, timeout=30, transport=transport, headers=headers)
        self.session_cookie: str | None = None

    def act(self, path: str, body: Any = None, method: str = "POST") -> httpx.Response:
        """A state change as the SPA sends it: its CSRF header, from its own origin."""
        headers = {**CSRF, "Origin": str(self.base_url).rstrip("/")}
        return self.request(method, path, json=body, headers=headers)

    def send(self, request: httpx.Request, **kwargs: object) -> httpx.Response:  # type: ignore[override]
        if self.session_cookie is not None and "cookie" not in request.headers:
            request.headers["cookie"] = f"{COOKIE}={self.session_cookie}"
        response = super().send(request, **kwargs)  # type: ignore[arg-type]
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            if name == COOKIE:
                value = rest.split(";", 1)[0].strip('"')
                cleared = "max-age=0" in header.lower() or not value
                self.session_cookie = None if cleared else value
        return response


@dataclass
class Web:
    url: str
    http: httpx.Client
    api: Api

    def same_origin(self) -> dict[str, str]:
        return {**CSRF, "Origin": self.url}

    def browser(self, user_agent: str | None = None) -> Browser:
        """A fresh client with its own cookie, like another browser."""
        return Browser(self.url, user_agent=user_agent)

    def sign_in(
        self, client: Browser, email: str, password: str, remember: bool = False
    ) -> httpx.Response:
        return client.post(
            "/auth/sign-in",
            json={"email": email, "password": password, "rememberMe": remember},
            headers=self.same_origin(),
        )


@pytest.fixture(scope="session")
def web_static() -> Path:
    return built_spa()


def web_settings(api: Api, port: int, static: Path, /, **groups: dict[str, object]):  # type: ignore[no-untyped-def]
    """A render server's settings in front of `api`, with `groups` set field by field on top
    (`web_settings(api, port, static, web={"session_keys": [key]})`)."""
    values: dict[str, dict[str, object]] = {
        "api": {"url": str(api.http.base_url)},
        "web": {
            "public_api_key": api.public_key,
            "origin": f"http://127.0.0.1:{port}",
            "session_keys": [new_cookie_key()],
            "static_dir": str(static),
        },
    }
    for name, fields in groups.items():
        values[name] = {**values.get(name, {}), **fields}
    return make_settings(api.db.url, **values)


@contextlib.contextmanager
def serve_web(api: Api, web_static: Path) -> Iterator[Web]:
    """A render server in front of `api`, signing in with `api.public_key`."""
    port = free_port()
    app = create_web_app(web_settings(api, port, web_static))
    with (
        LiveServer(app, port=port) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield Web(url=server.url, http=http, api=api)


@contextlib.contextmanager
def serve_api_and_web(
    api: Api,
    web_static: Path,
    *,
    web_groups: Mapping[str, dict[str, object]] | None = None,
    **api_groups: dict[str, object],
) -> Iterator[Web]:
    """An API of its own on the suite's database with `api_groups` set, and a render server in
    front of it (with `web_groups` set) that signs in with `api.public_key`."""
    with LiveServer(create_app(make_settings(api.db.url, **api_groups))) as api_server:
        port = free_port()
        groups = {**(web_groups or {})}
        groups["api"] = {**groups.get("api", {}), "url": api_server.url}
        app = create_web_app(web_settings(api, port, web_static, **groups))
        with (
            LiveServer(app, port=port) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            yield Web(url=server.url, http=http, api=api)


@pytest.fixture(scope="session")
def web(api: Api, web_static: Path) -> Iterator[Web]:
    with serve_web(api, web_static) as site:
        yield site
