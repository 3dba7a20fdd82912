"""Helpers for the account tests: mailed links read from the suite's real SMTP server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from cinepass.api import create_app
from cinepass.mail.letters import LetterKind
from tests.conftest import make_settings
from tests.mail_inbox import Inbox
from tests.support import Api, LiveServer

PASSWORD = "correct horse battery"


def unique_email(local: str = "user", domain: str = "example.com") -> str:
    return f"{local}-{uuid.uuid4().hex[:10]}@{domain}"


def link_token(link: str, page: str) -> str:
    """The token of a mailed link to `page`: it travels in the fragment, never to a server."""
    parts = urlsplit(link)
    assert parts.path == page, link
    assert not parts.query, f"a token in a query string reaches servers and logs: {link}"
    name, _, token = parts.fragment.partition("=")
    assert name == "token", link
    assert token, link
    return token


VERIFY_PAGE = "/verify-email"
RESET_PAGE = "/reset-password"
PAGES = {
    LetterKind.VERIFY_EMAIL: VERIFY_PAGE,
    LetterKind.CHANGE_EMAIL: VERIFY_PAGE,
    LetterKind.PASSWORD_RESET: RESET_PAGE,
}


def mailed_token(inbox: Inbox, email: str, kind: LetterKind) -> str:
    """The token of the next mail of `kind` to `email`."""
    page = PAGES[kind]
    return link_token(inbox.wait_for(email, kind).link(page), page)


def verify(api: Api, token: str, **extra: object) -> httpx.Response:
    return api.http.post("/api/auth/verify-email", json={"token": token, **extra})


def request_reset(http: httpx.Client, api: Api, email: str) -> httpx.Response:
    return http.post(
        "/api/auth/password-reset", json={"email": email, "apiKeyToken": api.public_key}
    )


def confirm_reset(api: Api, token: str, password: str, **extra: object) -> httpx.Response:
    return api.http.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": password, "apiKeyToken": api.public_key, **extra},
    )


@pytest.fixture
def limited_api(api: Api) -> Iterator[httpx.Client]:
    """An API of its own, on the suite's database, with the mail limits at their defaults."""
    limits = {
        "password_reset_per_account": "3 per hour",
        "account_mail_per_address": "20 per hour",
        "account_mail_per_account": "3 per hour",
    }
    with (
        LiveServer(create_app(make_settings(api.db.url, limits=limits))) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http
