"""Signing in with a passkey alone (SECURITY.md rows 48, 49 and 53)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.passkeys.parties import RelyingParty
from tests.auth.forge import split
from tests.conftest import make_settings
from tests.passkeys.authenticator import Authenticator, b64
from tests.passkeys.conftest import LogRecorder, Member, Passkeys
from tests.passkeys.test_registration import _garbage
from tests.support import Api, LiveServer, bearer, envelope

FAILED = "passkey sign-in failed"


def _refused(r: httpx.Response) -> None:
    assert r.status_code == 401, r.text
    assert envelope(r) == {"statusCode": 401, "error": "Unauthorized", "message": FAILED}
    assert "token" not in r.text


@pytest.fixture
def enrolled(passkeys: Passkeys, member: Member) -> Authenticator:
    """The member's authenticator, holding one passkey of theirs."""
    authenticator = passkeys.authenticator()
    passkeys.register(member.token, authenticator)
    return authenticator


def test_sign_in_options_ask_for_any_passkey_of_this_site(passkeys: Passkeys) -> None:
    ceremony, options = passkeys.sign_in_options()
    assert ceremony.startswith("cpc_")
    assert options["rpId"] == passkeys.rp.id
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    assert len(options["challenge"]) >= 43


def test_a_passkey_alone_signs_in_with_two_factors(
    passkeys: Passkeys, member: Member, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.sign_in_options()
    before = int(time.time())
    r = passkeys.sign_in(ceremony, enrolled.get(options), rememberMe=True)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"] == {"id": member.id, "name": "Íñigo Montoya", "email": member.email}
    assert body["refreshToken"]
    _, claims, _ = split(body["token"])
    assert claims["sub"] == member.id
    assert claims["amr"] == ["hwk", "user", "mfa"]
    assert before - 1 <= claims["auth_time"] <= int(time.time()) + 1
    # A fresh sign-in: the token passes step-up.
    assert passkeys.start_registration(body["token"]).status_code == 200
    [passkey] = passkeys.list(body["token"])
    assert passkey["lastUsedAt"] is not None


def test_a_synced_passkey_says_so_and_keeps_no_counter(passkeys: Passkeys, member: Member) -> None:
    synced = passkeys.authenticator(synced=True)
    passkeys.register(member.token, synced)
    for _ in range(2):
        ceremony, options = passkeys.sign_in_options()
        r = passkeys.sign_in(ceremony, synced.get(options))
        assert r.status_code == 200, r.text
        assert split(r.json()["token"])[1]["amr"] == ["swk", "user", "mfa"]
    assert passkeys.list(member.token)[0]["backedUp"] is True


def test_an_account_with_a_second_factor_gets_tokens_at_once(
    passkeys: Passkeys, member: Member, enrolled: Authenticator, api: Api
) -> None:
    api.db.query("UPDATE users SET mfa_enabled_at = created_at WHERE id = :id", id=member.id)
    ceremony, options = passkeys.sign_in_options()
    r = passkeys.sign_in(ceremony, enrolled.get(options))
    assert r.status_code == 200, r.text
    assert "token" in r.json()


def test_an_assertion_for_another_origin_is_refused(
    passkeys: Passkeys, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, enrolled.get(options, origin="https://evil.example")))


def test_an_assertion_for_another_relying_party_is_refused(
    passkeys: Passkeys, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, enrolled.get(options, rp_id="evil.example")))


def test_a_sign_in_ceremony_works_once_even_when_it_fails(
    passkeys: Passkeys, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.sign_in_options()
    assert passkeys.sign_in(ceremony, enrolled.get(options)).status_code == 200
    _refused(passkeys.sign_in(ceremony, enrolled.get(options)))
    failed, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(failed, enrolled.get(options, origin="https://evil.example")))
    _refused(passkeys.sign_in(failed, enrolled.get(options)))


def test_an_expired_sign_in_ceremony_is_refused(
    passkeys: Passkeys, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.sign_in_options()
    passkeys.expire(ceremony)
    _refused(passkeys.sign_in(ceremony, enrolled.get(options)))


def test_a_registration_ceremony_cannot_sign_in(
    passkeys: Passkeys, member: Member, enrolled: Authenticator
) -> None:
    ceremony, options = passkeys.registration(member.token)
    _refused(passkeys.sign_in(ceremony, enrolled.get({"challenge": options["challenge"]})))


def test_a_ceremony_serves_only_the_client_that_started_it(
    passkeys: Passkeys, enrolled: Authenticator, make_key: Callable[[list[str]], str]
) -> None:
    ceremony, options = passkeys.sign_in_options()
    other_key = make_key(["signin:auth"])
    _refused(passkeys.sign_in(ceremony, enrolled.get(options), key=other_key))


def test_a_key_without_signin_cannot_start_a_passkey_sign_in(
    passkeys: Passkeys, make_key: Callable[[list[str]], str]
) -> None:
    assert passkeys.options(make_key(["read:movies"])).status_code == 403
    assert passkeys.options("cpk_not_a_key").status_code == 401


def test_a_counter_going_backwards_is_refused_and_logged(
    passkeys: Passkeys, member: Member, enrolled: Authenticator, passkey_log: LogRecorder
) -> None:
    ceremony, options = passkeys.sign_in_options()
    assert passkeys.sign_in(ceremony, enrolled.get(options, sign_count=7)).status_code == 200
    for count in (7, 3):
        ceremony, options = passkeys.sign_in_options()
        _refused(passkeys.sign_in(ceremony, enrolled.get(options, sign_count=count)))
    [passkey] = passkeys.list(member.token)
    warnings = [(e, f) for level, e, f in passkey_log.records if level == "warning"]
    assert [e for e, _ in warnings] == ["passkey clone suspected"] * 2
    assert warnings[0][1]["passkey_id"] == passkey["id"]
    assert warnings[0][1]["user_id"] == member.id
    # The genuine authenticator, counting on, still signs in.
    ceremony, options = passkeys.sign_in_options()
    assert passkeys.sign_in(ceremony, enrolled.get(options, sign_count=8)).status_code == 200


def test_a_forged_assertion_with_a_low_counter_is_not_taken_for_a_clone(
    passkeys: Passkeys, enrolled: Authenticator, passkey_log: LogRecorder
) -> None:
    ceremony, options = passkeys.sign_in_options()
    assert passkeys.sign_in(ceremony, enrolled.get(options, sign_count=5)).status_code == 200
    ceremony, options = passkeys.sign_in_options()
    forged = enrolled.get(options, sign_count=1)
    forged["response"]["signature"] = b64(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    _refused(passkeys.sign_in(ceremony, forged))
    assert not [r for r in passkey_log.records if r[0] == "warning"]


def test_a_passkey_of_one_user_never_signs_in_another(
    passkeys: Passkeys, member: Member, enrolled: Authenticator, api: Api
) -> None:
    victim_id, _ = api.new_user()
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, enrolled.get(options, user_handle=victim_id.encode())))
    ceremony, options = passkeys.sign_in_options()
    without_handle = enrolled.get(options)
    del without_handle["response"]["userHandle"]
    _refused(passkeys.sign_in(ceremony, without_handle))


def test_an_unknown_passkey_is_refused(passkeys: Passkeys, member: Member) -> None:
    stranger = passkeys.authenticator()
    ceremony, options = passkeys.registration(member.token)
    stranger.create(options)  # made, never sent
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, stranger.get(options)))


def test_a_disabled_user_cannot_sign_in_with_a_passkey(
    passkeys: Passkeys, member: Member, enrolled: Authenticator, api: Api
) -> None:
    api.db.query("UPDATE users SET disabled = :yes WHERE id = :id", yes=True, id=member.id)
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, enrolled.get(options)))


def test_a_removed_passkey_no_longer_signs_in(
    passkeys: Passkeys, member: Member, enrolled: Authenticator
) -> None:
    [passkey] = passkeys.list(member.token)
    r = passkeys.http.delete(f"/api/auth/passkeys/{passkey['id']}", headers=bearer(member.token))
    assert r.status_code == 200
    ceremony, options = passkeys.sign_in_options()
    _refused(passkeys.sign_in(ceremony, enrolled.get(options)))


def test_malformed_assertions_are_refused_with_a_json_error(
    passkeys: Passkeys, member: Member, enrolled: Authenticator
) -> None:
    _, options = passkeys.sign_in_options()
    valid = enrolled.get(options)
    bad_handle = copy.deepcopy(valid)
    bad_handle["response"]["userHandle"] = "***"
    handle_type = copy.deepcopy(valid)
    handle_type["response"]["userHandle"] = 5
    bad_signature = copy.deepcopy(valid)
    bad_signature["response"]["signature"] = "%%%"
    short_auth_data = copy.deepcopy(valid)
    short_auth_data["response"]["authenticatorData"] = b64(b"\x00" * 10)
    cases: list[Any] = [
        *_garbage(valid),
        bad_handle,
        handle_type,
        bad_signature,
        short_auth_data,
    ]
    for garbage in cases:
        ceremony, _ = passkeys.sign_in_options()
        r = passkeys.sign_in(ceremony, garbage)
        assert r.status_code == 401, (garbage, r.text)
        assert r.json()["message"] == FAILED
    for not_an_object in ("a string", ["a", "list"], 12, None, {str(i): i for i in range(17)}):
        ceremony, _ = passkeys.sign_in_options()
        r = passkeys.sign_in(ceremony, not_an_object)
        assert r.status_code == 400, (not_an_object, r.text)
        assert r.json()["statusCode"] == 400


@pytest.fixture
def limited(api: Api) -> Iterator[httpx.Client]:
    """An API of its own, on the suite's database, allowing 3 passkey ceremonies a minute."""
    settings = make_settings(api.db.url, limits={"passkey_ceremonies_per_address": "3 per minute"})
    with (
        LiveServer(create_app(settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def test_passkey_ceremonies_are_limited_per_address(
    limited: httpx.Client, api: Api, member: Member
) -> None:
    body = {"apiKeyToken": api.public_key}
    for _ in range(2):
        assert limited.post("/api/auth/passkey/options", json=body).status_code == 200
    started = limited.post("/api/auth/passkeys/registration", json={}, headers=bearer(member.token))
    assert started.status_code == 200
    r = limited.post("/api/auth/passkey/options", json=body)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    assert r.json()["statusCode"] == 429
    r = limited.post("/api/auth/passkeys/registration", json={}, headers=bearer(member.token))
    assert r.status_code == 429


def test_the_relying_party_follows_the_settings(settings: Settings) -> None:
    rp = RelyingParty.from_settings(settings)
    assert rp.origin == settings.web.origin.rstrip("/")
    custom = make_settings(
        settings.database.url,
        web={"origin": "https://app.cinepass.example"},
        second_factor={"webauthn_rp_id": "cinepass.example", "webauthn_rp_name": "Cine ñ"},
    )
    assert RelyingParty.from_settings(custom) == RelyingParty(
        id="cinepass.example", name="Cine ñ", origin="https://app.cinepass.example"
    )
    default = make_settings(settings.database.url, web={"origin": "https://app.cinepass.example"})
    assert RelyingParty.from_settings(default).id == "app.cinepass.example"
