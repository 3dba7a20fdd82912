"""Accounts a first provider sign-in creates: limited like sign-ups, named as a typed name is."""

from __future__ import annotations

from cinepass.config import Settings
from tests.oidc.conftest import ProviderApi, provider_server
from tests.support import Api


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
