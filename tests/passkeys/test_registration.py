"""Adding, listing, renaming and removing passkeys (SECURITY.md rows 48, 49 and 53)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.passkeys.authenticator import b64, named_aaguid
from tests.passkeys.conftest import Member, Passkeys, stale
from tests.support import Api, bearer


def test_registration_options_ask_for_a_discoverable_verified_passkey(
    passkeys: Passkeys, member: Member
) -> None:
    authenticator = passkeys.authenticator()
    passkeys.register(member.token, authenticator)
    ceremony, options = passkeys.registration(member.token)
    assert ceremony.startswith("cpc_")
    assert options["rp"] == {"id": passkeys.rp.id, "name": "cinepass"}
    assert options["user"] == {
        "id": b64(member.id.encode()),
        "name": member.email,
        "displayName": "Íñigo Montoya",
    }
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -8, -257]
    assert options["excludeCredentials"] == [
        {"id": authenticator.credentials[0].id_text, "type": "public-key"}
    ]


def test_a_user_registers_lists_and_renames_a_passkey(passkeys: Passkeys, member: Member) -> None:
    added = passkeys.register(member.token, passkeys.authenticator())
    assert added["name"] == "Passkey"
    assert added["lastUsedAt"] is None
    assert added["backedUp"] is False
    assert set(added) == {"id", "name", "createdAt", "lastUsedAt", "backedUp"}
    assert passkeys.list(member.token) == [added]

    r = passkeys.http.patch(
        f"/api/auth/passkeys/{added['id']}",
        json={"name": "  Llave de Íñigo 🔑 "},
        headers=bearer(member.token),
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "Llave de Íñigo 🔑"
    assert passkeys.list(member.token)[0]["name"] == "Llave de Íñigo 🔑"


def test_a_passkey_is_named_by_its_provider_or_as_the_user_says(
    passkeys: Passkeys, member: Member
) -> None:
    icloud = passkeys.authenticator(
        synced=True, aaguid=named_aaguid("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")
    )
    assert passkeys.register(member.token, icloud)["name"] == "iCloud Keychain"
    named = passkeys.register(member.token, passkeys.authenticator(), name="Teléfono 📱")
    assert named["name"] == "Teléfono 📱"
    assert [p["backedUp"] for p in passkeys.list(member.token)] == [True, False]


@pytest.mark.parametrize(
    "name", ["", " ", "x" * 65, "tab\there", "evil\u202etxt", 7, None], ids=repr
)
def test_a_bad_name_is_refused(passkeys: Passkeys, member: Member, name: Any) -> None:
    added = passkeys.register(member.token, passkeys.authenticator())
    r = passkeys.http.patch(
        f"/api/auth/passkeys/{added['id']}", json={"name": name}, headers=bearer(member.token)
    )
    assert r.status_code == 400, r.text
    assert passkeys.list(member.token)[0]["name"] == "Passkey"


def test_a_credential_from_another_origin_is_refused(passkeys: Passkeys, member: Member) -> None:
    ceremony, options = passkeys.registration(member.token)
    credential = passkeys.authenticator().create(options, origin="https://evil.example")
    r = passkeys.finish_registration(member.token, ceremony, credential)
    assert r.status_code == 400
    assert r.json()["message"] == "the passkey could not be registered; start again"
    assert passkeys.list(member.token) == []


def test_a_credential_for_another_relying_party_is_refused(
    passkeys: Passkeys, member: Member
) -> None:
    ceremony, options = passkeys.registration(member.token)
    credential = passkeys.authenticator().create(options, rp_id="evil.example")
    assert passkeys.finish_registration(member.token, ceremony, credential).status_code == 400
    assert passkeys.list(member.token) == []


def test_a_passkey_without_user_verification_is_refused(passkeys: Passkeys, member: Member) -> None:
    ceremony, options = passkeys.registration(member.token)
    credential = passkeys.authenticator().create(options, flags=0x01)  # UP only
    assert passkeys.finish_registration(member.token, ceremony, credential).status_code == 400


def test_a_registration_ceremony_works_once(passkeys: Passkeys, member: Member) -> None:
    ceremony, options = passkeys.registration(member.token)
    authenticator = passkeys.authenticator()
    first = passkeys.finish_registration(member.token, ceremony, authenticator.create(options))
    assert first.status_code == 201
    again = passkeys.finish_registration(member.token, ceremony, authenticator.create(options))
    assert again.status_code == 400
    assert len(passkeys.list(member.token)) == 1


def test_a_failed_registration_spends_its_ceremony(passkeys: Passkeys, member: Member) -> None:
    ceremony, options = passkeys.registration(member.token)
    authenticator = passkeys.authenticator()
    bad = authenticator.create(options, origin="https://evil.example")
    assert passkeys.finish_registration(member.token, ceremony, bad).status_code == 400
    good = authenticator.create(options)
    assert passkeys.finish_registration(member.token, ceremony, good).status_code == 400


def test_an_expired_registration_ceremony_is_refused(passkeys: Passkeys, member: Member) -> None:
    ceremony, options = passkeys.registration(member.token)
    passkeys.expire(ceremony)
    credential = passkeys.authenticator().create(options)
    assert passkeys.finish_registration(member.token, ceremony, credential).status_code == 400


def test_another_users_ceremony_registers_nothing(
    passkeys: Passkeys, member: Member, api: Api
) -> None:
    ceremony, options = passkeys.registration(member.token)
    _, other_token = api.new_user()
    credential = passkeys.authenticator().create(options)
    assert passkeys.finish_registration(other_token, ceremony, credential).status_code == 400
    assert passkeys.list(other_token) == []
    assert passkeys.list(member.token) == []


def test_the_same_credential_cannot_be_registered_twice(
    passkeys: Passkeys, member: Member, api: Api
) -> None:
    ceremony, options = passkeys.registration(member.token)
    credential = passkeys.authenticator().create(options)
    assert passkeys.finish_registration(member.token, ceremony, credential).status_code == 201
    # The same attestation replayed under a new ceremony fails its challenge before anything.
    again, _ = passkeys.registration(member.token)
    assert passkeys.finish_registration(member.token, again, credential).status_code == 400


def _garbage(valid: dict[str, Any]) -> list[Any]:
    huge_id = b64(b"\x01" * 1100)
    wrong_types = copy.deepcopy(valid)
    wrong_types["response"]["clientDataJSON"] = 12
    bad_base64 = copy.deepcopy(valid)
    bad_base64["response"]["attestationObject"] = "***not base64***"
    bad_raw_id = copy.deepcopy(valid)
    bad_raw_id["rawId"] = "a"
    bad_cbor = copy.deepcopy(valid)
    bad_cbor["response"]["attestationObject"] = b64(b"\xff\x00garbage")
    bad_client_data = copy.deepcopy(valid)
    bad_client_data["response"]["clientDataJSON"] = b64(b"{not json")
    not_utf8 = copy.deepcopy(valid)
    not_utf8["response"]["clientDataJSON"] = b64(b"\xff\xfe\xfd")
    bad_type = copy.deepcopy(valid)
    bad_type["type"] = "password"
    bad_transports = copy.deepcopy(valid)
    bad_transports["response"]["transports"] = [1, {"x": None}]
    return [
        {},
        {"id": "x"},
        {"id": huge_id, "rawId": huge_id, "type": "public-key", "response": {}},
        {"response": []},
        wrong_types,
        bad_base64,
        bad_raw_id,
        bad_cbor,
        bad_client_data,
        not_utf8,
        bad_type,
        bad_transports,
    ]


def test_malformed_credentials_are_refused_with_a_json_error(
    passkeys: Passkeys, member: Member
) -> None:
    _, options = passkeys.registration(member.token)
    valid = passkeys.authenticator().create(options)
    for garbage in [*_garbage(valid), "a string", ["a", "list"], 12, None]:
        ceremony, _ = passkeys.registration(member.token)
        r = passkeys.finish_registration(member.token, ceremony, garbage)
        assert r.status_code == 400, (garbage, r.text)
        assert r.json()["statusCode"] == 400
    assert passkeys.list(member.token) == []


def test_registering_needs_a_recent_sign_in(passkeys: Passkeys, member: Member, api: Api) -> None:
    old = stale(api, member.token)
    r = passkeys.start_registration(old)
    assert r.status_code == 403
    assert r.json()["error"] == "insufficient_user_authentication"
    assert "max_age=600" in r.headers["www-authenticate"]
    ceremony, options = passkeys.registration(member.token)
    credential = passkeys.authenticator().create(options)
    r = passkeys.finish_registration(old, ceremony, credential)
    assert r.status_code == 403
    assert r.json()["error"] == "insufficient_user_authentication"
    # Nine minutes is recent enough.
    recent = stale(api, member.token, seconds=540)
    assert passkeys.finish_registration(recent, ceremony, credential).status_code == 201


def test_removing_needs_a_recent_sign_in(passkeys: Passkeys, member: Member, api: Api) -> None:
    added = passkeys.register(member.token, passkeys.authenticator())
    path = f"/api/auth/passkeys/{added['id']}"
    r = passkeys.http.delete(path, headers=bearer(stale(api, member.token)))
    assert r.status_code == 403
    assert r.json()["error"] == "insufficient_user_authentication"
    assert len(passkeys.list(member.token)) == 1
    r = passkeys.http.delete(path, headers=bearer(member.token))
    assert r.status_code == 200, r.text
    assert r.json()["data"] == added["id"]
    assert passkeys.list(member.token) == []


def test_renaming_needs_no_recent_sign_in(passkeys: Passkeys, member: Member, api: Api) -> None:
    added = passkeys.register(member.token, passkeys.authenticator())
    r = passkeys.http.patch(
        f"/api/auth/passkeys/{added['id']}",
        json={"name": "Portátil"},
        headers=bearer(stale(api, member.token)),
    )
    assert r.status_code == 200, r.text


def test_a_user_cannot_rename_or_remove_anothers_passkey(
    passkeys: Passkeys, member: Member, api: Api
) -> None:
    theirs = passkeys.register(member.token, passkeys.authenticator())
    _, intruder = api.new_user()
    passkeys.register(intruder, passkeys.authenticator())
    path = f"/api/auth/passkeys/{theirs['id']}"
    renamed = passkeys.http.patch(path, json={"name": "mine now"}, headers=bearer(intruder))
    assert renamed.status_code == 404
    assert passkeys.http.delete(path, headers=bearer(intruder)).status_code == 404
    assert passkeys.list(member.token) == [theirs]
    assert (
        passkeys.http.delete("/api/auth/passkeys/nope", headers=bearer(intruder)).status_code == 404
    )


def test_the_last_way_to_sign_in_cannot_be_removed(
    passkeys: Passkeys, member: Member, api: Api
) -> None:
    first = passkeys.register(member.token, passkeys.authenticator())
    second = passkeys.register(member.token, passkeys.authenticator())
    # An account without a password (as a provider sign-up makes) and no linked provider.
    api.db.query("UPDATE users SET password_hash = NULL WHERE id = :id", id=member.id)
    r = passkeys.http.delete(f"/api/auth/passkeys/{first['id']}", headers=bearer(member.token))
    assert r.status_code == 200, r.text
    r = passkeys.http.delete(f"/api/auth/passkeys/{second['id']}", headers=bearer(member.token))
    assert r.status_code == 409
    assert r.json()["message"].startswith("this is your only way to sign in")
    assert passkeys.list(member.token) == [second]


def test_a_user_with_a_password_may_remove_every_passkey(
    passkeys: Passkeys, member: Member
) -> None:
    only = passkeys.register(member.token, passkeys.authenticator())
    r = passkeys.http.delete(f"/api/auth/passkeys/{only['id']}", headers=bearer(member.token))
    assert r.status_code == 200


def test_registration_is_no_passkeys_id(passkeys: Passkeys, member: Member) -> None:
    r = passkeys.http.delete("/api/auth/passkeys/registration", headers=bearer(member.token))
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_the_owner_is_mailed_when_a_passkey_is_added_or_removed(
    passkeys: Passkeys, member: Member, inbox: Any
) -> None:
    from cinepass.mail.letters import LetterKind

    added = passkeys.register(member.token, passkeys.authenticator(), name="Llave ñ")
    mail = inbox.wait_for(member.email, LetterKind.SIGN_IN_METHODS_CHANGED)
    assert "A passkey was added" in mail.text
    assert mail.link("/account").endswith("/account")
    r = passkeys.http.delete(f"/api/auth/passkeys/{added['id']}", headers=bearer(member.token))
    assert r.status_code == 200, r.text
    mail = inbox.wait_for(member.email, LetterKind.SIGN_IN_METHODS_CHANGED)
    assert "A passkey was removed" in mail.text


def test_an_account_holds_at_most_twenty_passkeys(passkeys: Passkeys, member: Member) -> None:
    from cinepass.passkeys.service import MAX_PER_USER

    for _ in range(MAX_PER_USER):
        passkeys.register(member.token, passkeys.authenticator())
    r = passkeys.start_registration(member.token)
    assert r.status_code == 409, r.text
    assert "at most 20 passkeys" in r.json()["message"]
