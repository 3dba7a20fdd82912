"""Sign-in: API key checks, granted scopes, one answer for every failure, password storage."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import bcrypt
import httpx

from cinepass.api_keys.service import TOKEN_PREFIX
from cinepass.scopes import ALL_SCOPES, SIGNIN
from tests.auth.forge import split
from tests.support import Api, envelope

PASSWORD = "a long and memorable phrase"


def new_account(api: Api, password: str = PASSWORD) -> str:
    address = f"signin-{uuid.uuid4().hex[:10]}@example.com"
    api.sign_up(address, password)
    return address


def test_sign_in_returns_a_token_and_the_user(api: Api) -> None:
    address = new_account(api)
    r = api.sign_in(address, PASSWORD)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"token", "user"}
    assert body["user"]["email"] == address
    assert set(body["user"]) == {"id", "name", "email"}


def test_email_is_matched_case_insensitively(api: Api) -> None:
    address = new_account(api)
    assert api.sign_in(address.upper(), PASSWORD).status_code == 200


def test_no_unknown_or_revoked_key_is_401(api: Api, make_key: Callable[[list[str]], str]) -> None:
    address = new_account(api)
    no_key = api.http.post("/api/auth/sign-in", auth=(address, PASSWORD), json={})
    assert no_key.status_code == 401
    assert api.sign_in(address, PASSWORD, key="cpk_" + "A" * 43).status_code == 401
    revoked = make_key(["signin:auth", "read:movies"])
    assert api.sign_in(address, PASSWORD, key=revoked).status_code == 200
    api.db.query(
        "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE prefix = :p", p=revoked[:12]
    )
    assert api.sign_in(address, PASSWORD, key=revoked).status_code == 401


def test_a_key_without_signin_scope_cannot_sign_in(
    api: Api, make_key: Callable[[list[str]], str]
) -> None:
    address = new_account(api)
    r = api.sign_in(address, PASSWORD, key=make_key(["read:movies"]))
    assert r.status_code == 403


def test_keys_are_stored_only_as_digests(api: Api, make_key: Callable[[list[str]], str]) -> None:
    secret = make_key(["signin:auth"])
    rows = api.db.query("SELECT * FROM api_keys")
    dumped = repr(rows)
    assert secret not in dumped
    assert secret[12:] not in dumped


def test_a_plain_user_never_gets_movie_editing_scopes_even_with_the_admin_key(api: Api) -> None:
    address = new_account(api)
    token = api.token(address, PASSWORD, key=api.admin_key)
    scopes = set(split(token)[1]["scope"].split())
    assert "read:movies" in scopes
    assert not scopes & {"create:movies", "update:movies", "delete:movies"}


def test_token_scopes_never_exceed_the_keys(api: Api, make_key: Callable[[list[str]], str]) -> None:
    key = make_key(["signin:auth", "read:movies"])
    token = api.token(api.admin_email, api.admin_password, key=key)
    # An admin may hold every scope, so the token carries exactly the key's.
    assert set(split(token)[1]["scope"].split()) == {"signin:auth", "read:movies"}
    admin = api.token(api.admin_email, api.admin_password, key=api.admin_key)
    assert {"create:movies", "update:movies", "delete:movies"} <= set(
        split(admin)[1]["scope"].split()
    )
    # The admin key holds every scope; offline_access describes the key, never a token.
    assert set(split(admin)[1]["scope"].split()) == set(ALL_SCOPES) - {"offline_access"}


def failure(api: Api, address: str, password: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The answer as a caller could compare two: everything but the request's own id."""
    r = api.sign_in(address, password)
    headers = {
        k: v for k, v in r.headers.items() if k not in {"date", "content-length", "x-request-id"}
    }
    return r.status_code, envelope(r), headers


def test_unknown_user_and_wrong_password_get_the_same_answer(api: Api) -> None:
    address = new_account(api)
    unknown = failure(api, f"nobody-{uuid.uuid4().hex}@example.com", PASSWORD)
    wrong = failure(api, address, PASSWORD + "!")
    assert unknown[0] == wrong[0] == 401
    assert unknown[1] == wrong[1]
    assert unknown[2] == wrong[2]


def test_unknown_user_and_wrong_password_take_the_same_time(api: Api) -> None:
    address = new_account(api)
    ghost = f"ghost-{uuid.uuid4().hex}@example.com"

    def seconds(email: str) -> float:
        started = time.perf_counter()
        assert api.sign_in(email, "not the password").status_code == 401
        return time.perf_counter() - started

    seconds(address)  # warm up (the dummy hash is made on the first unknown sign-in)
    seconds(ghost)
    # Alternated, so a burst of load elsewhere on the machine falls on both kinds alike.
    unknown: list[float] = []
    wrong: list[float] = []
    for _ in range(11):
        unknown.append(seconds(ghost))
        wrong.append(seconds(address))
    ratio = statistics.median(unknown) / statistics.median(wrong)
    # Without the equalising dummy hash an unknown user answers ~10x faster (ratio ~0.1); a
    # busy machine moves an honest ratio by well under 3x either way.
    assert 1 / 3 <= ratio <= 3, (ratio, unknown, wrong)


def test_passwords_are_stored_as_argon2id_with_owasp_parameters_and_own_salts(api: Api) -> None:
    a, b = new_account(api), new_account(api)
    hashes = [
        api.db.scalar("SELECT password_hash FROM users WHERE email_key = :e", e=e) for e in (a, b)
    ]
    for stored in hashes:
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert PASSWORD not in stored
    assert hashes[0] != hashes[1]


def test_no_silent_truncation_of_long_passwords(api: Api) -> None:
    long_password = "p" * 72 + "-the-rest-matters"
    address = new_account(api, long_password)
    assert api.sign_in(address, long_password).status_code == 200
    assert api.sign_in(address, "p" * 72).status_code == 401
    assert api.sign_in(address, "p" * 72 + "-something-else!").status_code == 401


def test_legacy_bcrypt_hashes_verify_and_are_upgraded_at_sign_in(api: Api) -> None:
    address = new_account(api)
    legacy = bcrypt.hashpw(b"the original system's password", bcrypt.gensalt(10)).decode()
    api.db.query("UPDATE users SET password_hash = :h WHERE email_key = :e", h=legacy, e=address)
    assert api.sign_in(address, "wrong password here").status_code == 401
    assert api.sign_in(address, "the original system's password").status_code == 200
    upgraded = api.db.scalar("SELECT password_hash FROM users WHERE email_key = :e", e=address)
    assert upgraded.startswith("$argon2id$")
    assert api.sign_in(address, "the original system's password").status_code == 200


def test_legacy_bcrypt_never_matches_on_the_first_72_bytes_only(api: Api) -> None:
    address = new_account(api)
    original = "b" * 72
    legacy = bcrypt.hashpw(original.encode(), bcrypt.gensalt(10)).decode()
    api.db.query("UPDATE users SET password_hash = :h WHERE email_key = :e", h=legacy, e=address)
    assert api.sign_in(address, original + "extra").status_code == 401
    assert api.sign_in(address, original).status_code == 200


def test_a_disabled_user_cannot_sign_in(api: Api) -> None:
    address = new_account(api)
    api.db.query("UPDATE users SET disabled = :t WHERE email_key = :e", t=True, e=address)
    assert api.sign_in(address, PASSWORD).status_code == 401


def test_missing_or_malformed_basic_credentials_are_401(api: Api) -> None:
    r = api.http.post("/api/auth/sign-in", json={"apiKeyToken": api.public_key})
    assert r.status_code == 401
    r = api.http.post(
        "/api/auth/sign-in",
        json={"apiKeyToken": api.public_key},
        headers={"Authorization": "Basic !!!not-base64"},
    )
    assert r.status_code == 401
    assert r.json()["statusCode"] == 401


def signed_in_statuses(api: Api, address: str, times: int) -> list[int]:
    """`times` sign-ins sent at once, each on a connection of its own."""
    base_url = str(api.http.base_url)

    def sign_in(_: int) -> int:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            answer = http.post(
                "/api/auth/sign-in", auth=(address, PASSWORD), json={"apiKeyToken": api.public_key}
            )
            return answer.status_code

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(sign_in, range(times)))


def test_twenty_concurrent_sign_ins_all_succeed(api: Api) -> None:
    assert signed_in_statuses(api, new_account(api), 20) == [200] * 20


def test_a_wrong_password_fails_alike_while_other_sign_ins_run(api: Api) -> None:
    address = new_account(api)
    ghost = f"ghost-{uuid.uuid4().hex}@example.com"
    with ThreadPoolExecutor(max_workers=1) as pool:
        others = pool.submit(signed_in_statuses, api, new_account(api), 10)
        wrong = failure(api, address, PASSWORD + "!")
        unknown = failure(api, ghost, PASSWORD)
        assert others.result() == [200] * 10
    assert wrong == unknown
    assert wrong[0] == 401


def test_an_api_keys_last_use_is_recorded(api: Api, make_key: Callable[[list[str]], str]) -> None:
    key = make_key([SIGNIN])
    address = new_account(api)
    assert api.sign_in(address, PASSWORD, key).status_code == 200
    prefix = key[: len(TOKEN_PREFIX) + 8]
    used = api.db.scalar("SELECT last_used_at FROM api_keys WHERE prefix = :p", p=prefix)
    assert used is not None
