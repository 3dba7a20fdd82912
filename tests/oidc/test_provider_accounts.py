"""Accounts a first provider sign-in creates: limited like sign-ups, named as a typed name is."""

from __future__ import annotations

import uuid

from cinepass.config import Settings
from cinepass.mail.letters import LetterKind
from tests.mail_inbox import Inbox
from tests.oidc.conftest import ProviderApi, provider_server
from tests.support import Api, bearer


def test_first_provider_sign_ins_are_limited_like_sign_ups_but_returning_users_are_not(
    api: Api, settings: Settings
) -> None:
    with provider_server(api, settings, limits={"signup_per_address": "2 per hour"}) as provider:
        returning = provider.issuer.id_token(sub="returning-ñandú", name="Ñandú 🎬")
        statuses = [provider.sign_in(returning).status_code]
        statuses.append(provider.sign_in(provider.issuer.id_token()).status_code)
        blocked = provider.sign_in(provider.issuer.id_token())
        again = provider.sign_in(provider.issuer.id_token(sub="returning-ñandú"))

    assert statuses == [200, 200]
    assert blocked.status_code == 429
    assert blocked.json()["statusCode"] == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert again.status_code == 200, again.text
    assert again.json()["user"]["name"] == "Ñandú 🎬"


def test_a_provider_name_with_control_characters_is_not_taken_as_the_users_name(
    provider_api: ProviderApi,
) -> None:
    claims = {"name": "\u202eGod Admin", "email": "ñandú-ctl@provider.example"}
    r = provider_api.sign_in(provider_api.issuer.id_token(**claims))
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "ñandú-ctl"


def me(provider_api: ProviderApi, token: str) -> dict[str, object]:
    r = provider_api.http.get("/api/auth/me", headers=bearer(token))
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()["data"]
    return data


def test_an_address_the_provider_verified_counts_as_verified(
    provider_api: ProviderApi, inbox: Inbox
) -> None:
    email = f"proveída-{uuid.uuid4().hex[:8]}@provider.example"
    r = provider_api.sign_in(provider_api.issuer.id_token(email=email))

    assert r.status_code == 200, r.text
    assert me(provider_api, r.json()["token"])["emailVerified"] is True
    inbox.none_for(email, within=0.5)


def test_linking_a_provider_that_vouches_for_the_accounts_address_proves_it(
    provider_api: ProviderApi, inbox: Inbox
) -> None:
    api = provider_api.api
    email = f"enlazada-{uuid.uuid4().hex[:8]}@example.com"
    api.sign_up(email)
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    token = api.token(email, "correct horse battery")
    other = provider_api.issuer.id_token(email=f"otra-{uuid.uuid4().hex[:8]}@example.com")
    vouching = provider_api.issuer.id_token(email=email.upper())
    unverified = provider_api.issuer.id_token(email=email, email_verified=False)

    assert provider_api.link(token, other).status_code == 201
    assert provider_api.link(token, unverified).status_code == 201
    assert me(provider_api, token)["emailVerified"] is False
    assert provider_api.link(token, vouching).status_code == 201
    assert me(provider_api, token)["emailVerified"] is True
