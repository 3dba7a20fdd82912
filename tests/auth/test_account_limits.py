"""Issue 8 items 2-3: one failed-sign-in counter per account, whatever spelling of its email,
and the current-password check of a password change counted on it, at the default limits."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import LimitSettings, Settings
from tests.conftest import make_settings
from tests.support import Api, LiveServer, bearer

PASSWORD = "contraseña segura ñandú"
ASCII_PASSWORD = "the right passphrase"
DEFAULT_PER_ACCOUNT = 5


@dataclass
class Limited:
    http: httpx.Client
    api: Api

    def sign_in(self, email: str, password: str) -> httpx.Response:
        return self.http.post(
            "/api/auth/sign-in", auth=(email, password), json={"apiKeyToken": self.api.public_key}
        )

    def change_password(self, token: str, current: str) -> httpx.Response:
        return self.http.post(
            "/api/auth/password",
            json={"currentPassword": current, "newPassword": f"nueva clave {uuid.uuid4().hex}"},
            headers=bearer(token),
        )


@pytest.fixture
def limited(settings: Settings, api: Api) -> Iterator[Limited]:
    """A server of its own (fresh counters) whose sign-in limits are the shipped defaults."""
    defaults = LimitSettings.model_fields
    server_settings = make_settings(
        settings.database.url,
        limits={
            "signin_failures_per_account": defaults["signin_failures_per_account"].default,
            "signin_failures_per_address": defaults["signin_failures_per_address"].default,
        },
    )
    assert (
        server_settings.limits.signin_failures_per_account
        == f"{DEFAULT_PER_ACCOUNT} per 15 minutes"
    )
    with (
        LiveServer(create_app(server_settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield Limited(http, api)


def blocked(r: httpx.Response) -> bool:
    return (
        r.status_code == 429
        and r.json()["statusCode"] == 429
        and 0 < int(r.headers["retry-after"]) <= 15 * 60
    )


def test_blanks_and_letter_case_around_the_email_share_one_failed_sign_in_counter(
    limited: Limited,
) -> None:
    address = f"blank-{uuid.uuid4().hex[:8]}@example.com"
    limited.api.sign_up(address, ASCII_PASSWORD)
    spellings = [f" {address}", f"{address} ", f"\t{address}", address.upper(), f"\u00a0{address}"]
    statuses = [limited.sign_in(s, "wrong guess").status_code for s in spellings]
    assert statuses == [401] * DEFAULT_PER_ACCOUNT
    assert blocked(limited.sign_in(address, ASCII_PASSWORD)), "even the right password waits"
    assert blocked(limited.sign_in(f" {address.title()}\t", ASCII_PASSWORD))


def test_unicode_spellings_of_an_email_share_one_failed_sign_in_counter(
    limited: Limited,
) -> None:
    address = f"Ñandú-{uuid.uuid4().hex[:8]}@Bücher.example"
    limited.api.sign_up(address, PASSWORD)
    decomposed = unicodedata.normalize("NFD", address)
    punycode = address.split("@")[0] + "@xn--bcher-kva.example"
    spellings = [decomposed, punycode, address.lower(), address.upper(), f"{decomposed}\n"]
    statuses = [limited.sign_in(s, "wrong guess").status_code for s in spellings]
    assert statuses == [401] * DEFAULT_PER_ACCOUNT
    assert blocked(limited.sign_in(address, PASSWORD))


def test_wrong_current_passwords_end_in_429_even_for_the_right_one(limited: Limited) -> None:
    address = f"change-{uuid.uuid4().hex[:8]}@example.com"
    limited.api.sign_up(address, ASCII_PASSWORD)
    signed_in = limited.sign_in(address, ASCII_PASSWORD)
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]
    statuses = [limited.change_password(token, f"guess {i}").status_code for i in range(5)]
    assert statuses == [400] * DEFAULT_PER_ACCOUNT
    assert blocked(limited.change_password(token, "guess 6"))
    assert blocked(limited.change_password(token, ASCII_PASSWORD)), "the right answer waits too"
    assert blocked(limited.sign_in(address, ASCII_PASSWORD)), "it is the account's sign-in counter"


def test_failed_sign_ins_count_against_the_password_change_too(limited: Limited) -> None:
    address = f"mixed-{uuid.uuid4().hex[:8]}@example.com"
    limited.api.sign_up(address, ASCII_PASSWORD)
    token = limited.sign_in(address, ASCII_PASSWORD).json()["token"]
    for _ in range(DEFAULT_PER_ACCOUNT):
        assert limited.sign_in(f" {address} ", "wrong guess").status_code == 401
    assert blocked(limited.change_password(token, ASCII_PASSWORD))
    # The limit belongs to the account: another account from the same address is unaffected.
    other = f"other-{uuid.uuid4().hex[:8]}@example.com"
    limited.api.sign_up(other, ASCII_PASSWORD)
    assert limited.sign_in(other, ASCII_PASSWORD).status_code == 200
