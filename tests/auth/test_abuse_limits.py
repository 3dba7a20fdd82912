"""SECURITY.md item 35 and the sign-up/refresh limits, on servers with small limits of their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from tests.conftest import make_settings
from tests.support import Api, LiveServer

PASSWORD = "the right passphrase"


@pytest.fixture
def strict(settings: Settings, api: Api) -> Iterator[tuple[httpx.Client, Api]]:
    """A second server on the same database, with small limits and one-second windows."""
    strict_settings = make_settings(
        settings.database.url,
        limits={
            "signin_failures_per_account": "3 per 2 seconds",
            "signin_failures_per_address": "6 per 2 seconds",
            "signup_per_address": "2 per 2 seconds",
            "refresh_per_address": "2 per 2 seconds",
        },
    )
    with (
        LiveServer(create_app(strict_settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http, api


def sign_in(http: httpx.Client, api: Api, email: str, password: str) -> httpx.Response:
    return http.post(
        "/api/auth/sign-in", auth=(email, password), json={"apiKeyToken": api.public_key}
    )


def test_failed_sign_ins_per_account_end_in_429_and_the_window_passes(
    strict: tuple[httpx.Client, Api],
) -> None:
    http, api = strict
    address = f"limited-{uuid.uuid4().hex[:8]}@example.com"
    api.sign_up(address, PASSWORD)
    statuses = [sign_in(http, api, address, "wrong guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    blocked = sign_in(http, api, address, PASSWORD)
    assert blocked.status_code == 429, "even the right password waits out the window"
    assert 1 <= int(blocked.headers["retry-after"]) <= 2
    assert blocked.json()["statusCode"] == 429
    import time

    time.sleep(int(blocked.headers["retry-after"]) + 0.2)
    assert sign_in(http, api, address, PASSWORD).status_code == 200


def test_failed_sign_ins_per_address_count_across_accounts(
    strict: tuple[httpx.Client, Api],
) -> None:
    http, api = strict
    statuses = [
        sign_in(http, api, f"spray-{i}-{uuid.uuid4().hex[:6]}@example.com", "guess").status_code
        for i in range(8)
    ]
    assert statuses[:6] == [401] * 6
    assert statuses[6:] == [429, 429]


def test_unknown_accounts_are_limited_like_real_ones(strict: tuple[httpx.Client, Api]) -> None:
    http, api = strict
    ghost = f"ghost-{uuid.uuid4().hex}@example.com"
    statuses = [sign_in(http, api, ghost, "guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_sign_up_is_rate_limited_per_address(strict: tuple[httpx.Client, Api]) -> None:
    http, api = strict
    statuses = [
        http.post(
            "/api/auth/sign-up",
            json={
                "name": "Bot",
                "email": f"bot-{uuid.uuid4().hex[:8]}@example.com",
                "password": PASSWORD,
                "apiKeyToken": api.public_key,
            },
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_refresh_is_rate_limited_per_address(strict: tuple[httpx.Client, Api]) -> None:
    http, api = strict
    statuses = [
        http.post(
            "/api/auth/refresh", json={"refreshToken": "cpr_x", "apiKeyToken": api.public_key}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
