"""Tokens end when they should: refresh rotation, reuse detection, sign-out, revocation."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest

from cinepass.api_keys import service as api_keys_service
from cinepass.config import Settings
from cinepass.users import service as users_service
from tests.auth.forge import split
from tests.support import Api, backoffice, bearer, eventually

PASSWORD = "a sturdy old passphrase"


def account(api: Api) -> str:
    address = f"life-{uuid.uuid4().hex[:10]}@example.com"
    api.sign_up(address, PASSWORD)
    return address


def sign_in(api: Api, address: str, password: str = PASSWORD, **body: object) -> dict[str, str]:
    r = api.http.post(
        "/api/auth/sign-in", auth=(address, password), json={"apiKeyToken": api.public_key, **body}
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def refresh(api: Api, refresh_token: str, key: str | None = None) -> tuple[int, dict[str, object]]:
    r = api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": refresh_token, "apiKeyToken": key or api.public_key},
    )
    return r.status_code, r.json()


def works(api: Api, token: str) -> bool:
    return api.http.get("/api/movies", headers=bearer(token)).status_code == 200


def rejected(api: Api, token: str) -> bool:
    r = api.http.get("/api/movies", headers=bearer(token))
    return r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]


def test_sign_in_returns_an_opaque_refresh_token_stored_only_as_a_digest(api: Api) -> None:
    body = sign_in(api, account(api))
    refresh_token = body["refreshToken"]
    assert refresh_token.startswith("cpr_")
    assert refresh_token.count(".") == 0, "opaque, not a JWT"
    assert refresh_token not in repr(api.db.query("SELECT * FROM refresh_tokens"))
    assert body["expiresIn"] == 900


def test_refresh_rotates_both_tokens_and_the_old_refresh_token_stops_working(api: Api) -> None:
    first = sign_in(api, account(api))
    status, second = refresh(api, first["refreshToken"])
    assert status == 200
    assert second["refreshToken"] != first["refreshToken"]
    assert second["token"] != first["token"]
    assert works(api, str(second["token"]))
    assert split(str(second["token"]))[1]["sid"] == split(first["token"])[1]["sid"]
    assert refresh(api, first["refreshToken"])[0] == 401


def test_reusing_a_rotated_refresh_token_ends_the_whole_session(api: Api) -> None:
    first = sign_in(api, account(api))
    _, second = refresh(api, first["refreshToken"])
    assert refresh(api, first["refreshToken"])[0] == 401  # the thief replays the old token
    assert refresh(api, str(second["refreshToken"]))[0] == 401  # the family is gone
    assert eventually(lambda: rejected(api, str(second["token"])))


def test_a_refresh_token_only_works_with_the_key_it_was_issued_to(api: Api) -> None:
    first = sign_in(api, account(api))
    assert refresh(api, first["refreshToken"], key=api.admin_key)[0] == 401
    assert refresh(api, first["refreshToken"], key="cpk_unknown")[0] == 401


def test_a_refresh_token_used_as_a_bearer_is_401(api: Api) -> None:
    first = sign_in(api, account(api))
    assert rejected(api, first["refreshToken"])


def test_remember_me_gives_a_30_day_session_and_otherwise_12_hours(api: Api) -> None:
    address = account(api)
    short, remembered = sign_in(api, address), sign_in(api, address, rememberMe=True)

    def lifetime(token: str) -> timedelta:
        sid = split(token)[1]["sid"]
        created, expires = api.db.query(
            "SELECT created_at, expires_at FROM sessions WHERE id = :s", s=sid
        )[0]
        if isinstance(created, str):  # SQLite returns text
            from datetime import datetime

            created, expires = datetime.fromisoformat(created), datetime.fromisoformat(expires)
        return expires - created  # type: ignore[no-any-return]

    assert lifetime(short["token"]) == timedelta(hours=12)
    assert lifetime(remembered["token"]) == timedelta(days=30)


def test_a_session_past_its_absolute_lifetime_cannot_refresh(api: Api) -> None:
    first = sign_in(api, account(api))
    sid = split(first["token"])[1]["sid"]
    api.db.query(
        "UPDATE sessions SET expires_at = created_at WHERE id = :s",
        s=sid,
    )
    status, body = refresh(api, first["refreshToken"])
    assert status == 401
    assert "expired" in str(body["message"])


def test_sign_out_ends_the_access_and_refresh_tokens_at_once(api: Api) -> None:
    body = sign_in(api, account(api))
    other_session = sign_in(api, account(api))
    r = api.http.post("/api/auth/sign-out", headers=bearer(body["token"]))
    assert r.status_code == 200
    assert r.json()["message"] == "signed out"
    assert rejected(api, body["token"])
    assert refresh(api, body["refreshToken"])[0] == 401
    assert works(api, other_session["token"]), "other sessions are untouched"


def test_changing_the_password_ends_every_session_of_the_account(api: Api) -> None:
    address = account(api)
    here, elsewhere = sign_in(api, address), sign_in(api, address)
    wrong = api.http.post(
        "/api/auth/password",
        json={"currentPassword": "not it at all", "newPassword": "the next passphrase"},
        headers=bearer(here["token"]),
    )
    assert wrong.status_code == 400
    assert works(api, here["token"])
    r = api.http.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "the next passphrase"},
        headers=bearer(here["token"]),
    )
    assert r.status_code == 200
    for session in (here, elsewhere):
        assert rejected(api, session["token"])
        assert refresh(api, session["refreshToken"])[0] == 401
    assert api.sign_in(address, PASSWORD).status_code == 401
    assert api.sign_in(address, "the next passphrase").status_code == 200


def test_the_new_password_follows_the_policy(api: Api) -> None:
    address = account(api)
    token = sign_in(api, address)["token"]
    r = api.http.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "password"},
        headers=bearer(token),
    )
    assert r.status_code == 400


@pytest.mark.parametrize("action", ["disable", "delete"])
def test_disabling_or_deleting_a_user_ends_their_tokens(
    api: Api, settings: Settings, action: str
) -> None:
    address = account(api)
    body = sign_in(api, address)
    if action == "disable":
        backoffice(
            settings,
            lambda events, db: users_service.set_disabled(db, address, True, events=events),
        )
    else:
        backoffice(settings, lambda events, db: users_service.delete(db, address, events=events))
    assert refresh(api, body["refreshToken"])[0] == 401
    assert eventually(lambda: rejected(api, body["token"]), seconds=3)
    # Refused for good, not for one poll: the revocation outlives the next reads of the list.
    time.sleep(3 * settings.tokens.revocation_poll_seconds)
    assert rejected(api, body["token"])
    assert api.sign_in(address, PASSWORD).status_code == 401


def test_revoking_an_api_key_ends_every_token_it_backs(
    api: Api, settings: Settings, make_key: Callable[[list[str]], str]
) -> None:
    key = make_key(["signin:auth", "read:movies", "offline_access"])
    address = account(api)
    body = sign_in(api, address) | {}
    r = api.http.post("/api/auth/sign-in", auth=(address, PASSWORD), json={"apiKeyToken": key})
    keyed = r.json()
    key_id = split(keyed["token"])[1]["client_id"]
    backoffice(settings, lambda events, db: api_keys_service.revoke(db, key_id, events=events))
    assert refresh(api, keyed["refreshToken"], key=key)[0] == 401
    assert eventually(lambda: rejected(api, keyed["token"]), seconds=3)
    assert works(api, body["token"]), "tokens of other keys are untouched"
