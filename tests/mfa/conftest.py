"""Helpers for the second-factor tests: a user with an authenticator app, codes made by pyotp."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import httpx
import pyotp

from tests.support import Api, bearer

PASSWORD = "contraseña ñandú 🎬"


def code_at(secret: str, offset_steps: int = 0) -> str:
    """The app's code `offset_steps` steps from now (the server accepts -1, 0 and +1)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


@dataclass
class AppUser:
    """A user who turned two-step verification on: their secret and recovery codes."""

    api: Api
    email: str
    password: str
    secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)

    def sign_in(self, http: httpx.Client | None = None, key: str | None = None) -> httpx.Response:
        return (http or self.api.http).post(
            "/api/auth/sign-in",
            auth=(self.email, self.password),
            json={"apiKeyToken": key or self.api.public_key},
        )

    def mfa_token(self) -> str:
        r = self.sign_in()
        assert r.status_code == 202, r.text
        token: str = r.json()["mfaToken"]
        return token

    def complete(
        self, mfa_token: str, code: str, http: httpx.Client | None = None, key: str | None = None
    ) -> httpx.Response:
        return (http or self.api.http).post(
            "/api/auth/sign-in/mfa",
            json={"mfaToken": mfa_token, "code": code, "apiKeyToken": key or self.api.public_key},
        )


def new_user(api: Api, *, name: str = "Íñigo Muñoz", domain: str = "correo.es") -> AppUser:
    email = f"íñigo-{uuid.uuid4().hex[:8]}@{domain}"
    api.sign_up(email, PASSWORD, name=name)
    return AppUser(api, email, PASSWORD)


def enable_totp(api: Api, user: AppUser) -> AppUser:
    """Turn it on as the account page does: begin, then confirm with the app's current code."""
    token = api.token(user.email, user.password)
    r = api.http.post("/api/auth/mfa/totp", headers=bearer(token))
    assert r.status_code == 201, r.text
    user.secret = r.json()["data"]["secret"]
    r = api.http.post(
        "/api/auth/mfa/totp/confirm", json={"code": code_at(user.secret)}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    user.recovery_codes = r.json()["data"]["codes"]
    return user


def user_with_totp(api: Api) -> AppUser:
    return enable_totp(api, new_user(api))
