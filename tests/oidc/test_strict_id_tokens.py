"""An ID token has one spelling at sign-provider: a respelled copy of a valid one is 401."""

from __future__ import annotations

import uuid

import pytest

from tests.oidc.conftest import ProviderApi
from tests.support import Api


@pytest.mark.parametrize("how", ["padded signature", "stray characters", "padded payload"])
def test_a_respelled_id_token_is_401(api: Api, provider_api: ProviderApi, how: str) -> None:
    token = provider_api.issuer.id_token(sub=uuid.uuid4().hex, name="Ñandú Pérez 🎬")
    header, payload, signature = token.split(".")
    other = {
        "padded signature": f"{header}.{payload}.{signature}==",
        "stray characters": f"{header}.{payload}.{signature[:10]}!*~!{signature[10:]}",
        "padded payload": f"{header}.{payload}{'=' * (-len(payload) % 4 or 4)}.{signature}",
    }[how]
    r = provider_api.sign_in(other)
    assert r.status_code == 401, r.text
    assert r.json()["statusCode"] == 401
    r = provider_api.sign_in(token)
    assert r.status_code == 200, r.text
