"""Passkey tests: a software authenticator for the suite's relying party, and the routes as
a signed-in user's browser would call them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from cinepass.config import Settings
from cinepass.passkeys import service
from cinepass.passkeys.parties import RelyingParty
from cinepass.secrets_digest import secret_digest
from tests.auth.forge import ServerKey, claims_like, now
from tests.passkeys.authenticator import Authenticator
from tests.support import Api, bearer

PASSWORD = "correct horse battery"


@dataclass
class Passkeys:
    """The passkey routes, called as the SPA (through the render server) would."""

    api: Api
    rp: RelyingParty

    @property
    def http(self) -> httpx.Client:
        return self.api.http

    def authenticator(self, **options: Any) -> Authenticator:
        return Authenticator(rp_id=self.rp.id, origin=self.rp.origin, **options)

    def start_registration(self, token: str) -> httpx.Response:
        return self.http.post("/api/auth/passkeys/registration", json={}, headers=bearer(token))

    def registration(self, token: str) -> tuple[str, dict[str, Any]]:
        r = self.start_registration(token)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        return data["ceremonyToken"], data["options"]

    def finish_registration(
        self, token: str, ceremony: str, credential: Any, **extra: Any
    ) -> httpx.Response:
        return self.http.post(
            "/api/auth/passkeys",
            json={"ceremonyToken": ceremony, "credential": credential, **extra},
            headers=bearer(token),
        )

    def register(
        self, token: str, authenticator: Authenticator, name: str | None = None
    ) -> dict[str, Any]:
        """A new passkey of the token's user, made by `authenticator`: its PasskeyOut."""
        ceremony, options = self.registration(token)
        extra = {"name": name} if name is not None else {}
        r = self.finish_registration(token, ceremony, authenticator.create(options), **extra)
        assert r.status_code == 201, r.text
        passkey: dict[str, Any] = r.json()["data"]
        return passkey

    def list(self, token: str) -> list[dict[str, Any]]:
        r = self.http.get("/api/auth/passkeys", headers=bearer(token))
        assert r.status_code == 200, r.text
        found: list[dict[str, Any]] = r.json()["data"]
        return found

    def options(self, key: str | None = None) -> httpx.Response:
        return self.http.post(
            "/api/auth/passkey/options", json={"apiKeyToken": key or self.api.public_key}
        )

    def sign_in_options(self) -> tuple[str, dict[str, Any]]:
        r = self.options()
        assert r.status_code == 200, r.text
        return r.json()["ceremonyToken"], r.json()["options"]

    def sign_in(
        self, ceremony: str, credential: Any, key: str | None = None, **extra: Any
    ) -> httpx.Response:
        return self.http.post(
            "/api/auth/sign-in/passkey",
            json={
                "ceremonyToken": ceremony,
                "credential": credential,
                "apiKeyToken": key or self.api.public_key,
                **extra,
            },
        )

    def expire(self, ceremony: str) -> None:
        """Move the ceremony's expiry into the past, as five minutes would."""
        self.api.db.query(
            "UPDATE challenges SET expires_at = created_at WHERE digest = :digest",
            digest=secret_digest(ceremony),
        )


@pytest.fixture
def passkeys(api: Api, settings: Settings) -> Passkeys:
    return Passkeys(api, RelyingParty.from_settings(settings))


@dataclass
class Member:
    id: str
    email: str
    token: str


@pytest.fixture
def member(api: Api) -> Member:
    """A user who just signed in with a password (a fresh sign-in: step-up passes)."""
    email = f"passkey-{uuid.uuid4().hex[:10]}@example.com"
    user_id = api.sign_up(email, PASSWORD, name="Íñigo Montoya")
    return Member(user_id, email, api.token(email, PASSWORD))


def stale(api: Api, token: str, seconds: int = 700) -> str:
    """The same token, re-signed by the server's key with a sign-in `seconds` ago."""
    return ServerKey(api.db).sign(claims_like(token, auth_time=now() - seconds))


@dataclass
class LogRecorder:
    """Stands in for a module's structlog logger: records (level, event, fields)."""

    records: list[tuple[str, str, dict[str, Any]]]

    def _record(self, level: str) -> Any:
        return lambda event, **fields: self.records.append((level, event, fields))

    def __getattr__(self, level: str) -> Any:
        return self._record(level)


@pytest.fixture
def passkey_log(monkeypatch: pytest.MonkeyPatch) -> LogRecorder:
    """What passkeys.service logs (the live server runs in this process)."""
    recorder = LogRecorder([])
    monkeypatch.setattr(service, "log", recorder)
    return recorder
