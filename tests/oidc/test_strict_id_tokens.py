"""An ID token has one spelling at sign-provider: a respelled copy of a valid one is 401."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from tests.conftest import make_settings
from tests.oidc.issuer import Issuer, running_issuer
from tests.support import Api, LiveServer


@pytest.fixture
def trusting_api(settings: Settings) -> Iterator[tuple[httpx.Client, Issuer]]:
    with running_issuer() as issuer:
        trusting = make_settings(
            settings.database_url,
            oidc_trusted_issuers=[
                {"issuer": issuer.url, "audiences": [issuer.audience], "provider": "stand-in"}
            ],
        )
        with (
            LiveServer(create_app(trusting)) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            yield http, issuer


@pytest.mark.parametrize("how", ["padded signature", "stray characters", "padded payload"])
def test_a_respelled_id_token_is_401(
    api: Api, trusting_api: tuple[httpx.Client, Issuer], how: str
) -> None:
    http, issuer = trusting_api
    token = issuer.id_token(sub=uuid.uuid4().hex, name="Ñandú Pérez 🎬")
    header, payload, signature = token.split(".")
    other = {
        "padded signature": f"{header}.{payload}.{signature}==",
        "stray characters": f"{header}.{payload}.{signature[:10]}!*~!{signature[10:]}",
        "padded payload": f"{header}.{payload}{'=' * (-len(payload) % 4 or 4)}.{signature}",
    }[how]
    body = {"apiKeyToken": api.public_key}
    r = http.post("/api/auth/sign-provider", json={**body, "idToken": other})
    assert r.status_code == 401, r.text
    assert r.json()["statusCode"] == 401
    r = http.post("/api/auth/sign-provider", json={**body, "idToken": token})
    assert r.status_code == 200, r.text
