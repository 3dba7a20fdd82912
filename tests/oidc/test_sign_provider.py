"""SECURITY.md items 40-41 at the API: only a trusted issuer's valid ID token signs anyone in,
and only as the user keyed by (issuer, subject)."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.oidc.conftest import ProviderApi
from tests.support import bearer


def test_a_valid_id_token_signs_in_and_the_same_subject_returns_the_same_user(
    provider_api: ProviderApi,
) -> None:
    subject = uuid.uuid4().hex
    first = provider_api.sign_in(provider_api.issuer.id_token(sub=subject))
    assert first.status_code == 200, first.text
    again = provider_api.sign_in(
        provider_api.issuer.id_token(sub=subject, email="changed@x.example")
    )
    assert again.status_code == 200
    assert again.json()["user"]["id"] == first.json()["user"]["id"]
    assert "refreshToken" in first.json()
    me = provider_api.http.get("/api/auth/me", headers=bearer(first.json()["token"]))
    assert me.status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"aud": None},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600},
        {"exp": None},
        {"sub": None},
    ],
    ids=["wrong-aud", "no-aud", "untrusted-iss", "expired", "no-exp", "no-sub"],
)
def test_id_tokens_with_bad_claims_are_401(
    provider_api: ProviderApi, claims: dict[str, object]
) -> None:
    before = provider_api.api.db.scalar("SELECT count(*) FROM users")
    r = provider_api.sign_in(provider_api.issuer.id_token(**claims))
    assert r.status_code == 401, r.text
    assert provider_api.api.db.scalar("SELECT count(*) FROM users") == before


def test_an_id_token_signed_by_another_key_is_401(provider_api: ProviderApi) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert provider_api.sign_in(provider_api.issuer.id_token(key=forger)).status_code == 401


def test_an_unsigned_id_token_is_401(provider_api: ProviderApi) -> None:
    payload = provider_api.issuer.id_token().split(".")[1]

    none_head = (
        base64.urlsafe_b64encode(
            json.dumps({"alg": "none", "kid": provider_api.issuer.kid}).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    assert provider_api.sign_in(f"{none_head}.{payload}.").status_code == 401


def test_the_key_must_hold_signin_provider(provider_api: ProviderApi, make_key) -> None:  # type: ignore[no-untyped-def]
    key = make_key(["signin:auth", "read:movies"])
    r = provider_api.sign_in(provider_api.issuer.id_token(), key=key)
    assert r.status_code == 403
    assert provider_api.sign_in(provider_api.issuer.id_token(), key="cpk_nope").status_code == 401


def test_an_email_matching_a_local_account_does_not_sign_in_as_it(
    provider_api: ProviderApi,
) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    owner_id = provider_api.api.sign_up(email, "the owner's passphrase")
    r = provider_api.sign_in(provider_api.issuer.id_token(email=email))
    assert r.status_code == 409
    assert "link" in r.json()["message"]
    assert owner_id not in r.text


def test_the_owner_links_while_signed_in_then_the_provider_signs_in_as_them(
    provider_api: ProviderApi,
) -> None:
    email = f"linker-{uuid.uuid4().hex[:8]}@example.com"
    owner_id = provider_api.api.sign_up(email, "the owner's passphrase")
    token = provider_api.api.token(email, "the owner's passphrase")
    subject = uuid.uuid4().hex
    linked = provider_api.link(token, provider_api.issuer.id_token(sub=subject, email=email))
    assert linked.status_code == 201, linked.text
    listed = provider_api.identities(token)
    assert [(i["subject"], i["provider"]) for i in listed] == [(subject, "stand-in")]
    signed = provider_api.sign_in(provider_api.issuer.id_token(sub=subject, email=email))
    assert signed.status_code == 200
    assert signed.json()["user"]["id"] == owner_id

    other_email = f"other-{uuid.uuid4().hex[:8]}@example.com"
    provider_api.api.sign_up(other_email, "another passphrase")
    other = provider_api.api.token(other_email, "another passphrase")
    stolen = provider_api.link(other, provider_api.issuer.id_token(sub=subject))
    assert stolen.status_code == 409
    assert (
        provider_api.http.delete(
            f"/api/auth/identities/{listed[0]['id']}", headers=bearer(other)
        ).status_code
        == 404
    )
    assert (
        provider_api.http.delete(
            f"/api/auth/identities/{listed[0]['id']}", headers=bearer(token)
        ).status_code
        == 200
    )
    assert (
        provider_api.sign_in(provider_api.issuer.id_token(sub=subject, email=email)).status_code
        == 409
    )


def test_the_only_way_to_sign_in_cannot_be_unlinked(provider_api: ProviderApi) -> None:
    signed = provider_api.sign_in(provider_api.issuer.id_token())
    token = signed.json()["token"]
    identity = provider_api.identities(token)[0]
    r = provider_api.http.delete(f"/api/auth/identities/{identity['id']}", headers=bearer(token))
    assert r.status_code == 409


def test_a_provider_is_one_factor_for_an_account_with_a_second(
    provider_api: ProviderApi,
) -> None:
    from tests.mfa.conftest import AppUser, code_at, enable_totp

    api = provider_api.api
    email = f"dos-pasos-{uuid.uuid4().hex[:8]}@correo.es"
    owner = AppUser(api, email, "la contraseña del dueño ñ")
    api.sign_up(email, owner.password, name="Dueña Ñ")
    subject = uuid.uuid4().hex
    token = api.token(email, owner.password)
    assert provider_api.link(token, provider_api.issuer.id_token(sub=subject)).status_code == 201
    enable_totp(api, owner)
    pending = provider_api.sign_in(provider_api.issuer.id_token(sub=subject))
    assert pending.status_code == 202, pending.text
    assert "token" not in pending.json()
    done = owner.complete(
        pending.json()["mfaToken"], code_at(owner.secret, +1), http=provider_api.http
    )
    assert done.status_code == 200, done.text
    claims = jwt.decode(done.json()["token"], options={"verify_signature": False})
    assert claims["amr"] == ["fed", "otp", "mfa"]
