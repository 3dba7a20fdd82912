"""The sealed session cookie: the API's tokens, encrypted and authenticated with AES-GCM.

Only the render server holds the key, so the browser can neither read nor forge what is inside.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

from starlette.responses import Response

from cinepass import base64url
from cinepass.client import SignedInTokens
from cinepass.sealing import Sealer, Unsealable, read_key
from cinepass.web.roles import token_role

COOKIE_NAME = "__Host-cinepass"
REMEMBER_SECONDS = 30 * 24 * 3600
_VERSION = b"\x01"
_MAX_COOKIE_LENGTH = 4096


@dataclass(frozen=True)
class WebSession:
    """What the cookie carries. `sid` is 128 random bits naming this browser session."""

    sid: str
    access_token: str
    refresh_token: str
    access_expires_at: int
    remember_me: bool
    user_id: str
    name: str
    email: str

    @classmethod
    def signed_in(cls, tokens: SignedInTokens, *, remember_me: bool) -> WebSession:
        """A new browser session (a new `sid`) holding what a sign-in gave back."""
        return cls(
            sid=secrets.token_urlsafe(16),
            access_token=tokens.token,
            refresh_token=tokens.refresh_token,
            access_expires_at=int(time.time()) + tokens.expires_in,
            remember_me=remember_me,
            user_id=tokens.user_id,
            name=tokens.name,
            email=tokens.email,
        )


def user_answer(tokens: SignedInTokens) -> dict[str, str | bool]:
    """Who signed in, as the SPA reads it: a sign-in's answer does not say whether the address
    is proved, so the SPA reads `/auth/session` for that. `role` decides whether the SPA
    offers the admin console (the render server and the API decide whether it works)."""
    return {
        "id": tokens.user_id,
        "name": tokens.name,
        "email": tokens.email,
        "role": token_role(tokens.token),
    }


class CookieSealer:
    """Cookie values: `base64url(version | sealed JSON)`, the cookie's name as the context."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("the session cookie needs at least one key")
        try:
            # Keys come from the operator, who may have padded them: only cookies are strict.
            self._sealer = Sealer([read_key(k) for k in keys])
        except ValueError:
            raise ValueError(
                "each session cookie key must be 32 bytes, base64url-encoded"
            ) from None

    def seal_data(self, data: dict[str, Any], purpose: str) -> str:
        """Encrypt and authenticate `data`; `purpose` (the cookie's name) binds it to one use."""
        plain = json.dumps(data, separators=(",", ":")).encode()
        return base64url.encode(_VERSION + self._sealer.seal(plain, purpose))

    def open_data(self, value: str | None, purpose: str) -> dict[str, Any] | None:
        """What a sealed value holds, or None for anything absent, tampered or foreign."""
        if not value or len(value) > _MAX_COOKIE_LENGTH:
            return None
        try:
            raw = base64url.decode(value)
        except ValueError:
            return None
        if raw[:1] != _VERSION:
            return None
        try:
            data = json.loads(self._sealer.open(raw[1:], purpose))
        except (Unsealable, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def seal(self, session: WebSession) -> str:
        return self.seal_data(asdict(session), COOKIE_NAME)

    def open(self, value: str | None) -> WebSession | None:
        """The session in a cookie, or None for anything absent, tampered or foreign."""
        data = self.open_data(value, COOKIE_NAME)
        if data is None:
            return None
        try:
            return WebSession(**data)
        except TypeError:
            return None


def set_cookie(response: Response, sealer: CookieSealer, session: WebSession) -> None:
    response.set_cookie(
        COOKIE_NAME,
        sealer.seal(session),
        max_age=REMEMBER_SECONDS if session.remember_me else None,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", secure=True, httponly=True, samesite="strict")
