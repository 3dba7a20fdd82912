"""Helpers for the admin console's routes: admins signed in now or long ago, users to act on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from tests.support import Api, bearer

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    token: str
    refresh_token: str


def person(api: Api, name: str = "Ada", local: str = "user") -> Person:
    """A fresh user signed in with the render server's key (which holds refresh tokens)."""
    email = f"{local}-{uuid.uuid4().hex[:10]}@example.com"
    user_id = api.sign_up(email, PASSWORD, name=name)
    r = api.sign_in(email, PASSWORD)
    assert r.status_code == 200, r.text
    return Person(user_id, email, r.json()["token"], r.json()["refreshToken"])


def refreshes(api: Api, who: Person) -> bool:
    r = api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": who.refresh_token, "apiKeyToken": api.public_key},
    )
    return r.status_code == 200


def alive(api: Api, token: str) -> bool:
    return api.http.get("/api/auth/me", headers=bearer(token)).status_code == 200


@pytest.fixture
def stale_admin_token(api: Api) -> str:
    """An admin token whose sign-in is 11 minutes old: step-up routes refuse it."""
    signed_in = api.sign_in(api.admin_email, api.admin_password, api.admin_key)
    assert signed_in.status_code == 200, signed_in.text
    return api.stale_token(signed_in, key=api.admin_key)


def step_up_refused(r: object) -> bool:
    from httpx import Response

    assert isinstance(r, Response)
    return r.status_code == 403 and r.json()["error"] == "insufficient_user_authentication"
