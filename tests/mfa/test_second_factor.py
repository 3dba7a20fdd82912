"""Issue 11: TOTP as a second factor with recovery codes (SECURITY.md rows 50-53)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import jwt
import pytest

from cinepass.api import create_app
from cinepass.config import LimitSettings, Settings
from tests.conftest import make_settings
from tests.mfa.conftest import (
    AppUser,
    code_at,
    enable_totp,
    new_user,
    user_with_totp,
)
from tests.support import Api, LiveServer, bearer


def claims(token: str) -> dict[str, object]:
    decoded: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def test_setting_up_shows_a_160_bit_secret_as_text_and_an_offline_qr_code(api: Api) -> None:
    user = new_user(api)
    token = api.token(user.email, user.password)
    r = api.http.post("/api/auth/mfa/totp", headers=bearer(token))
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    setup = r.json()["data"]
    assert len(base64.b32decode(setup["secret"])) * 8 >= 160
    uri = urlsplit(setup["otpauthUri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/cinepass:{user.email}"
    assert parse_qs(uri.query)["secret"] == [setup["secret"]]
    svg = setup["qrSvg"]
    assert svg.lstrip().startswith('<svg xmlns="http://www.w3.org/2000/svg"')  # renders in <img>
    assert svg.rstrip().endswith("</svg>")
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    # Not on until a first code proves the app has the secret: sign-in still gives tokens.
    assert user.sign_in().status_code == 200
    r = api.http.get("/api/auth/mfa", headers=bearer(token))
    assert r.json()["data"]["totpEnabled"] is False


def test_a_wrong_first_code_does_not_turn_it_on(api: Api) -> None:
    user = new_user(api)
    token = api.token(user.email, user.password)
    secret = api.http.post("/api/auth/mfa/totp", headers=bearer(token)).json()["data"]["secret"]
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    r = api.http.post("/api/auth/mfa/totp/confirm", json={"code": wrong}, headers=bearer(token))
    assert r.status_code == 403, r.text
    assert "code is wrong" in r.json()["message"]
    assert user.sign_in().status_code == 200


def test_the_secret_is_sealed_and_recovery_codes_are_kept_as_hashes(api: Api) -> None:
    user = user_with_totp(api)
    user_id = api.db.scalar("SELECT id FROM users WHERE email = :e", e=user.email)
    sealed = api.db.scalar("SELECT sealed_secret FROM totp_secrets WHERE user_id = :u", u=user_id)
    assert user.secret not in sealed
    assert user.secret.lower() not in sealed.lower()
    rows = api.db.query(
        "SELECT lookup, secret_hash FROM recovery_codes WHERE user_id = :u", u=user_id
    )
    assert len(rows) == len(user.recovery_codes) == 10
    assert len(set(user.recovery_codes)) == 10
    for code in user.recovery_codes:
        plain = code.replace("-", "")
        assert not any(plain in row[1] or plain[4:] in row[1] for row in rows)
    assert all(row[1].startswith("$argon2id$") for row in rows)


def test_a_password_sign_in_returns_no_token_until_the_code_is_given(api: Api) -> None:
    user = user_with_totp(api)
    r = user.sign_in()
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["mfaRequired"] is True
    assert set(body) == {"mfaRequired", "mfaToken", "expiresIn", "methods"}
    assert 0 < body["expiresIn"] <= 300
    assert r.headers["cache-control"] == "no-store"
    # The pending challenge is useless for anything but its second step.
    mfa_token = body["mfaToken"]
    assert api.http.get("/api/auth/me", headers=bearer(mfa_token)).status_code == 401
    refreshed = api.http.post(
        "/api/auth/refresh", json={"refreshToken": mfa_token, "apiKeyToken": api.public_key}
    )
    assert refreshed.status_code == 401
    # The next step's code: the current one was spent turning the factor on.
    r = user.complete(mfa_token, code_at(user.secret, +1))
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    said = claims(token)
    assert said["amr"] == ["pwd", "otp", "mfa"]
    assert isinstance(said["auth_time"], int)
    assert said["auth_time"] <= said["iat"]
    assert api.http.get("/api/auth/me", headers=bearer(token)).status_code == 200


def test_a_code_is_accepted_once(api: Api) -> None:
    user = user_with_totp(api)
    code = code_at(user.secret, +1)
    assert user.complete(user.mfa_token(), code).status_code == 200
    replayed = user.complete(user.mfa_token(), code)
    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["message"] == "the code is wrong or was already used"
    # The code that turned it on is spent too, and so is every older one.
    assert user.complete(user.mfa_token(), code_at(user.secret)).status_code == 401


def test_the_challenge_is_single_use_and_bound_to_its_client(api: Api, make_key) -> None:  # type: ignore[no-untyped-def]
    user = user_with_totp(api)
    mfa_token = user.mfa_token()
    other_key = make_key(["signin:auth"])
    r = user.complete(mfa_token, code_at(user.secret, +1), key=other_key)
    assert r.status_code == 401
    assert r.json()["message"] == "this sign-in has expired; sign in again"
    assert user.complete(mfa_token, user.recovery_codes[0]).status_code == 200
    again = user.complete(mfa_token, user.recovery_codes[1])
    assert again.status_code == 401
    assert again.json()["message"] == "this sign-in has expired; sign in again"


def test_an_expired_challenge_is_refused(api: Api) -> None:
    from datetime import UTC, datetime, timedelta

    user = user_with_totp(api)
    mfa_token = user.mfa_token()
    api.db.query(
        "UPDATE challenges SET expires_at = :at WHERE flow = 'second_factor' AND user_id ="
        " (SELECT id FROM users WHERE email = :e)",
        at=api.db.moment(datetime.now(UTC) - timedelta(seconds=1)),
        e=user.email,
    )
    r = user.complete(mfa_token, user.recovery_codes[0])
    assert r.status_code == 401
    assert r.json()["message"] == "this sign-in has expired; sign in again"


def test_a_recovery_code_works_once_in_any_spelling(api: Api) -> None:
    user = user_with_totp(api)
    code = user.recovery_codes[3]
    spelled = code.upper().replace("-", " ")
    r = user.complete(user.mfa_token(), spelled)
    assert r.status_code == 200, r.text
    assert claims(r.json()["token"])["amr"] == ["pwd", "otp", "mfa"]
    assert user.complete(user.mfa_token(), code).status_code == 401
    token = r.json()["token"]
    status = api.http.get("/api/auth/mfa", headers=bearer(token)).json()["data"]
    assert status["totpEnabled"] is True
    assert status["recoveryCodesLeft"] == 9


@pytest.fixture
def lockout(settings: Settings, api: Api) -> Iterator[httpx.Client]:
    """A server of its own whose sign-in limits are the shipped defaults (5 per account)."""
    defaults = LimitSettings.model_fields
    server_settings = make_settings(
        settings.database.url,
        limits={"signin_failures_per_account": defaults["signin_failures_per_account"].default},
    )
    with (
        LiveServer(create_app(server_settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def test_wrong_codes_count_toward_the_account_lockout(api: Api, lockout: httpx.Client) -> None:
    user = user_with_totp(api)
    mfa_token = user.sign_in(lockout).json()["mfaToken"]
    answers = [user.complete(mfa_token, "000000", http=lockout) for _ in range(5)]
    assert [r.status_code for r in answers] == [401] * 5
    locked = user.complete(mfa_token, code_at(user.secret, +1), http=lockout)
    assert locked.status_code == 429, locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # The same counter as the password's: the account's password sign-in is locked too.
    assert user.sign_in(lockout).status_code == 429


def test_turning_it_off_needs_a_code_and_then_passwords_sign_in_alone(api: Api) -> None:
    user = user_with_totp(api)
    r = user.complete(user.mfa_token(), user.recovery_codes[0])
    token = r.json()["token"]
    wrong = api.http.post("/api/auth/mfa/disable", json={"code": "123456"}, headers=bearer(token))
    assert wrong.status_code == 403, wrong.text
    assert wrong.json()["message"] == "the code is wrong or was already used"
    r = api.http.post(
        "/api/auth/mfa/disable", json={"code": user.recovery_codes[1]}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    signed = user.sign_in()
    assert signed.status_code == 200
    assert "token" in signed.json()
    assert claims(signed.json()["token"])["amr"] == ["pwd"]
    # Its recovery codes died with it.
    user_id = api.db.scalar("SELECT id FROM users WHERE email = :e", e=user.email)
    assert api.db.scalar("SELECT count(*) FROM recovery_codes WHERE user_id = :u", u=user_id) == 0
    # And it can be set up again from scratch.
    enable_totp(api, user)
    assert user.sign_in().status_code == 202


def test_new_recovery_codes_replace_the_old_ones(api: Api) -> None:
    user = user_with_totp(api)
    token = user.complete(user.mfa_token(), user.recovery_codes[0]).json()["token"]
    r = api.http.post(
        "/api/auth/mfa/recovery-codes", json={"code": user.recovery_codes[1]}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    fresh = r.json()["data"]["codes"]
    assert len(fresh) == 10
    assert not set(fresh) & set(user.recovery_codes)
    assert user.complete(user.mfa_token(), user.recovery_codes[2]).status_code == 401
    assert user.complete(user.mfa_token(), fresh[0]).status_code == 200


def test_it_cannot_be_set_up_twice(api: Api) -> None:
    user = user_with_totp(api)
    token = user.complete(user.mfa_token(), user.recovery_codes[0]).json()["token"]
    r = api.http.post("/api/auth/mfa/totp", headers=bearer(token))
    assert r.status_code == 409
    r = api.http.post("/api/auth/mfa/totp/confirm", json={"code": "123456"}, headers=bearer(token))
    assert r.status_code == 409


def test_a_reset_link_is_not_a_second_factor(api: Api, inbox) -> None:  # type: ignore[no-untyped-def]
    from cinepass.mail.letters import LetterKind
    from tests.accounts.conftest import confirm_reset, mailed_token, request_reset

    user = user_with_totp(api)
    inbox.wait_for(user.email, LetterKind.VERIFY_EMAIL)
    assert request_reset(api.http, api, user.email).status_code == 202
    token = mailed_token(inbox, user.email, LetterKind.PASSWORD_RESET)
    r = confirm_reset(api, token, "otra contraseña más ñ")
    assert r.status_code == 202, r.text
    assert "token" not in r.json()
    assert r.json()["mfaRequired"] is True
    # The new password is set; the sign-in it began still needs the code.
    user.password = "otra contraseña más ñ"
    done = user.complete(r.json()["mfaToken"], user.recovery_codes[0])
    assert done.status_code == 200, done.text
    assert claims(done.json()["token"])["amr"] == ["mail", "otp", "mfa"]


def test_the_step_up_refuses_an_old_sign_in_and_accepts_a_fresh_one(api: Api) -> None:
    user = new_user(api)
    signed = user.sign_in()
    stale = api.stale_token(signed)
    assert claims(stale)["auth_time"] < claims(signed.json()["token"])["auth_time"] - 600
    for method, path, body in (
        ("POST", "/api/auth/mfa/totp", None),
        ("POST", "/api/auth/identities", {"idToken": "a.b.c"}),
        ("DELETE", "/api/auth/identities/" + "0" * 32, None),
        (
            "POST",
            "/api/auth/password",
            {"currentPassword": user.password, "newPassword": "nueva ñ clave 1"},
        ),
        ("POST", "/api/auth/email", {"email": "nuevo-ñ@correo.es", "password": user.password}),
    ):
        r = api.http.request(method, path, json=body, headers=bearer(stale))
        assert r.status_code == 403, (path, r.text)
        assert r.json()["error"] == "insufficient_user_authentication", path
        challenge = r.headers["www-authenticate"]
        assert 'error="insufficient_user_authentication"' in challenge
        assert "max_age=600" in challenge
    # Reading the account needs no step-up.
    assert api.http.get("/api/auth/mfa", headers=bearer(stale)).status_code == 200
    fresh = api.token(user.email, user.password)
    assert api.http.post("/api/auth/mfa/totp", headers=bearer(fresh)).status_code == 201


def test_refreshed_tokens_keep_the_sign_in_methods_and_time(api: Api) -> None:
    user = user_with_totp(api)
    first = user.complete(user.mfa_token(), code_at(user.secret, +1)).json()
    r = api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": first["refreshToken"], "apiKeyToken": api.public_key},
    )
    assert r.status_code == 200, r.text
    before, after = claims(first["token"]), claims(r.json()["token"])
    assert after["amr"] == before["amr"] == ["pwd", "otp", "mfa"]
    assert after["auth_time"] == before["auth_time"]


def test_a_non_ascii_account_sets_it_up_and_signs_in(api: Api) -> None:
    user = new_user(api, name="Zoë Ñandú 🎬", domain="cine-ñ.es")
    enable_totp(api, user)
    r = user.complete(user.mfa_token(), code_at(user.secret, +1))
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "Zoë Ñandú 🎬"


def test_a_user_without_it_signs_in_as_before(api: Api) -> None:
    user: AppUser = new_user(api)
    r = user.sign_in()
    assert r.status_code == 200
    assert claims(r.json()["token"])["amr"] == ["pwd"]


def test_codes_in_other_scripts_are_wrong_codes_not_errors(api: Api) -> None:
    user = user_with_totp(api)
    mfa_token = user.mfa_token()
    fullwidth, arabic_indic = (
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
    )
    for code in (fullwidth, arabic_indic, "ñandú-ñandú-ñand", "🎬🎬🎬🎬🎬🎬", "12345\uff16"):
        r = user.complete(mfa_token, code)
        assert r.status_code == 401, (code, r.text)
        assert r.json()["message"] == "the code is wrong or was already used"


def test_the_owner_is_mailed_when_the_second_factor_goes_on_or_off(api: Api, inbox) -> None:  # type: ignore[no-untyped-def]
    from cinepass.mail.letters import LetterKind

    user = user_with_totp(api)
    on = inbox.wait_for(user.email, LetterKind.SIGN_IN_METHODS_CHANGED)
    assert "Two-step verification was turned on" in on.text
    assert on.link("/forgot-password").endswith("/forgot-password")
    token = user.complete(user.mfa_token(), user.recovery_codes[0]).json()["token"]
    r = api.http.post(
        "/api/auth/mfa/disable", json={"code": user.recovery_codes[1]}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    off = inbox.wait_for(user.email, LetterKind.SIGN_IN_METHODS_CHANGED)
    assert "Two-step verification was turned off" in off.text
    assert user.recovery_codes[2] not in off.text


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_a_code_one_step_off_is_accepted_two_steps_off_is_not(
    api: Api, offset: int, accepted: bool
) -> None:
    user = new_user(api)
    token = api.token(user.email, user.password)
    secret = api.http.post("/api/auth/mfa/totp", headers=bearer(token)).json()["data"]["secret"]
    r = api.http.post(
        "/api/auth/mfa/totp/confirm",
        json={"code": code_at(secret, offset)},
        headers=bearer(token),
    )
    assert r.status_code == (200 if accepted else 403), r.text
