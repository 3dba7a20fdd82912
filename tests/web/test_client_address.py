"""Issue 8 item 11: the API's per-address limits count each browser, not the render server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import Api
from tests.web.conftest import CSRF, Browser, serve_api_and_web


@dataclass
class Limited:
    url: str

    def sign_up(self, browser: Browser, headers: dict[str, str] | None = None) -> int:
        r = browser.post(
            "/auth/sign-up",
            json={
                "name": "Begoña Ñandú 🎬",
                "email": f"begoña-{uuid.uuid4().hex[:8]}@example.com",
                "password": "contraseña segura ñandú",
            },
            headers={**CSRF, "Origin": self.url, **(headers or {})},
        )
        assert r.status_code in (201, 429), r.text
        return r.status_code


def _servers(api: Api, static: Path, **web: object) -> Iterator[Limited]:
    with serve_api_and_web(
        api,
        static,
        web_groups={"web": web},
        requests={"trusted_proxies": ["127.0.0.1"]},
        limits={"signup_per_address": "2 per hour"},
    ) as site:
        yield Limited(site.url)


@pytest.fixture
def limited(api: Api, web_static: Path) -> Iterator[Limited]:
    yield from _servers(api, web_static)


@pytest.fixture
def behind_a_proxy(api: Api, web_static: Path) -> Iterator[Limited]:
    yield from _servers(api, web_static, trusted_proxies=["127.0.0.1"])


def test_one_browser_using_up_its_sign_ups_does_not_block_another_browser(
    limited: Limited,
) -> None:
    with (
        Browser(limited.url, local_address="127.0.0.2") as first,
        Browser(limited.url, local_address="127.0.0.3") as second,
    ):
        assert [limited.sign_up(first) for _ in range(3)] == [201, 201, 429]
        assert limited.sign_up(second) == 201


def test_a_browsers_own_forwarded_header_does_not_buy_it_more_sign_ups(
    limited: Limited,
) -> None:
    with Browser(limited.url, local_address="127.0.0.4") as browser:
        statuses = [
            limited.sign_up(browser, {"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(3)
        ]
    assert statuses == [201, 201, 429]


def test_behind_its_trusted_proxy_the_render_server_forwards_the_proxys_client(
    behind_a_proxy: Limited,
) -> None:
    """CINEPASS_WEB_TRUSTED_PROXIES: the proxy in front of the render server names the client."""
    one = {"X-Forwarded-For": "198.51.100.7"}
    other = {"X-Forwarded-For": "198.51.100.8"}
    with Browser(behind_a_proxy.url) as proxy:
        assert [behind_a_proxy.sign_up(proxy, one) for _ in range(3)] == [201, 201, 429]
        assert behind_a_proxy.sign_up(proxy, other) == 201
