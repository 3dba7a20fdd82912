"""Issue 8 item 8: a provider's unverified email never becomes an account's email."""

from __future__ import annotations

import uuid

import pytest

from tests.oidc.conftest import ProviderApi


def _address(local: str = "dueña") -> str:
    return f"{local}-{uuid.uuid4().hex[:8]}@ñandú.example"


@pytest.mark.parametrize(
    "verified", [False, None, "false", 1], ids=["false", "absent", "string-false", "one"]
)
def test_an_unverified_email_does_not_create_an_account_and_its_owner_can_still_sign_up(
    provider_api: ProviderApi, verified: object
) -> None:
    email = _address()
    r = provider_api.sign_in(provider_api.issuer.id_token(email=email, email_verified=verified))
    assert r.status_code == 400, r.text
    assert set(r.json()) >= {"statusCode", "error", "message"}
    assert "not verified" in r.json()["message"]
    assert provider_api.api.db.scalar("SELECT count(*) FROM users WHERE email = :e", e=email) == 0
    assert (
        provider_api.api.db.scalar("SELECT count(*) FROM identities WHERE email = :e", e=email) == 0
    )
    # The address's real owner is not locked out of it.
    provider_api.api.sign_up(email, "contraseña segura ñandú")
    r = provider_api.sign_in(provider_api.issuer.id_token(email=email, email_verified=True))
    assert r.status_code == 409, r.text


@pytest.mark.parametrize("verified", [True, "true"], ids=["true", "string-true"])
def test_a_verified_email_with_accents_creates_the_account(
    provider_api: ProviderApi, verified: object
) -> None:
    email = _address("josé")
    r = provider_api.sign_in(
        provider_api.issuer.id_token(email=email, email_verified=verified, name="José Ñúñez 🎬")
    )
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == email
    assert r.json()["user"]["name"] == "José Ñúñez 🎬"


def test_a_linked_provider_account_signs_in_whatever_it_says_about_its_email(
    provider_api: ProviderApi,
) -> None:
    email = f"dueña-{uuid.uuid4().hex[:8]}@ejemplo.es"
    owner_id = provider_api.api.sign_up(email, "contraseña de la dueña")
    token = provider_api.api.token(email, "contraseña de la dueña")
    subject = uuid.uuid4().hex
    unverified = provider_api.issuer.id_token(
        sub=subject, email="squatter@elsewhere.example", email_verified=False
    )
    linked = provider_api.link(token, unverified)
    assert linked.status_code == 201, linked.text
    listed = provider_api.identities(token)
    assert [(i["subject"], i["email"]) for i in listed] == [(subject, None)]
    again = provider_api.sign_in(
        provider_api.issuer.id_token(sub=subject, email=None, email_verified=None)
    )
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == owner_id
    assert again.json()["user"]["email"] == email
