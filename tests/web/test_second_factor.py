"""The render server's second sign-in step, passkey relay and step-up: the mfaToken stays sealed
in an httpOnly cookie, works once and expires; a re-authentication is the same user's or nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cinepass.config import Settings
from cinepass.passkeys.parties import RelyingParty
from cinepass.web.app import create_web_app
from cinepass.web.session_cookie import CookieSealer
from cinepass.web.sign_in_steps import PENDING_COOKIE
from tests.mfa.conftest import AppUser, code_at, new_user, user_with_totp
from tests.passkeys.authenticator import Authenticator
from tests.passkeys.conftest import Passkeys
from tests.support import Api, LiveServer, bearer, free_port, has_session
from tests.web.conftest import (
    COOKIE,
    CSRF,
    Browser,
    Web,
    new_cookie_key,
    serve_api_and_web,
    web_settings,
)


def pending_cookie(response: httpx.Response) -> str:
    """The pending cookie's value from a Set-Cookie, after checking how it is set."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == PENDING_COOKIE:
            attributes = rest.lower()
            for attribute in ("httponly", "secure", "samesite=strict", "path=/"):
                assert attribute in attributes
            max_age = int(attributes.split("max-age=")[1].split(";")[0])
            assert 0 < max_age <= 300
            return rest.split(";", 1)[0]
    raise AssertionError(f"no pending cookie in {response.headers.get_list('set-cookie')}")


def pending_cleared(response: httpx.Response) -> bool:
    return any(
        h.startswith(f"{PENDING_COOKIE}=") and "max-age=0" in h.lower()
        for h in response.headers.get_list("set-cookie")
    )


def send_code(browser: Browser, pending: str, code: str) -> httpx.Response:
    headers = {**CSRF, "Origin": str(browser.base_url).rstrip("/")}
    cookies = [f"{PENDING_COOKIE}={pending}"]
    if browser.session_cookie:
        cookies.append(f"{COOKIE}={browser.session_cookie}")
    headers["cookie"] = "; ".join(cookies)
    return browser.post("/auth/sign-in/mfa", json={"code": code}, headers=headers)


def test_a_sign_in_that_wants_a_code_answers_202_and_no_token_reaches_the_browser(
    web: Web, api: Api
) -> None:
    user = user_with_totp(api)
    with web.browser() as browser:
        r = web.sign_in(browser, user.email, user.password)
        assert r.status_code == 202, r.text
        assert r.json() == {
            "mfaRequired": True,
            "expiresIn": r.json()["expiresIn"],
            "methods": ["totp", "recovery_code"],
        }
        assert 0 < r.json()["expiresIn"] <= 300
        assert browser.session_cookie is None
        pending = pending_cookie(r)
        # Neither the body nor any cookie holds the API's token in the clear.
        assert "cpc_" not in r.text
        assert "cpc_" not in pending
        assert "mfaToken" not in r.text

        r = send_code(browser, pending, code_at(user.secret, 1))
        assert r.status_code == 200, r.text
        assert r.json()["user"]["email"] == user.email
        assert "cpc_" not in r.text
        assert "token" not in r.text.lower()
        assert browser.session_cookie is not None
        assert pending_cleared(r)
        assert browser.get("/auth/session").json()["user"]["email"] == user.email


def test_the_pending_cookie_works_once(web: Web, api: Api) -> None:
    user = user_with_totp(api)
    with web.browser() as browser, web.browser() as replayer:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        assert send_code(browser, pending, code_at(user.secret, 1)).status_code == 200
        r = send_code(replayer, pending, user.recovery_codes[0])
        assert r.status_code == 401
        assert r.json()["message"] == "this sign-in has expired; sign in again"
        assert replayer.session_cookie is None


def test_a_wrong_code_keeps_the_sign_in_pending_for_another_try(web: Web, api: Api) -> None:
    user = user_with_totp(api)
    with web.browser() as browser:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        right = code_at(user.secret, 1)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        r = send_code(browser, pending, wrong)
        assert r.status_code == 401
        assert "wrong" in r.json()["message"]
        assert "www-authenticate" not in r.headers
        assert not pending_cleared(r)
        assert browser.session_cookie is None
        assert send_code(browser, pending, right).status_code == 200


def test_a_recovery_code_completes_the_sign_in_once(web: Web, api: Api) -> None:
    user = user_with_totp(api)
    recovery = user.recovery_codes[0]
    with web.browser() as browser:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        assert send_code(browser, pending, recovery.upper()).status_code == 200
    with web.browser() as browser:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        assert send_code(browser, pending, recovery).status_code == 401


@pytest.fixture(scope="module")
def keyed_web(api: Api, web_static: Path) -> Iterator[tuple[Web, CookieSealer]]:
    """A render server whose cookie key the test knows, to seal what a browser never could."""
    key = new_cookie_key()
    port = free_port()
    app = create_web_app(web_settings(api, port, web_static, web={"session_keys": [key]}))
    with LiveServer(app, port=port) as server, httpx.Client(base_url=server.url) as http:
        yield Web(url=server.url, http=http, api=api), CookieSealer([key])


def test_an_expired_or_foreign_pending_cookie_is_refused(
    keyed_web: tuple[Web, CookieSealer], api: Api
) -> None:
    web, sealer = keyed_web
    user = user_with_totp(api)
    token = user.mfa_token()
    expired = sealer.seal_data(
        {"mfa_token": token, "remember_me": False, "expires_at": int(time.time()) - 1},
        PENDING_COOKIE,
    )
    # A value sealed for the session cookie is no pending sign-in.
    foreign = sealer.seal_data(
        {"mfa_token": token, "remember_me": False, "expires_at": int(time.time()) + 60}, COOKIE
    )
    with web.browser() as browser:
        for value in (expired, foreign, "", "garbage"):
            r = send_code(browser, value, code_at(user.secret, 1))
            assert r.status_code == 401, value
            assert r.json()["message"] == "this sign-in has expired; sign in again"
            assert pending_cleared(r)
    # The token itself was never spent: the API still takes it.
    assert user.complete(token, code_at(user.secret, 1)).status_code == 200


def test_reauthenticating_with_the_password_starts_a_new_session_and_ends_the_old(
    web: Web, api: Api
) -> None:
    user = new_user(api)
    with web.browser() as browser:
        assert web.sign_in(browser, user.email, user.password).status_code == 200
        old = browser.session_cookie
        r = browser.act("/auth/reauthenticate", {"password": "not the password ñ"})
        assert r.status_code == 401
        assert browser.session_cookie == old
        r = browser.act("/auth/reauthenticate", {"password": user.password})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["email"] == user.email
        assert browser.session_cookie not in (None, old)
        assert has_session(browser)
    with web.browser() as stale:
        stale.session_cookie = old
        assert not has_session(stale)


def test_reauthenticating_an_account_with_a_second_factor_asks_for_its_code(
    web: Web, api: Api
) -> None:
    user = user_with_totp(api)
    with web.browser() as browser:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        assert send_code(browser, pending, code_at(user.secret, 1)).status_code == 200
        r = browser.act("/auth/reauthenticate", {"password": user.password})
        assert r.status_code == 202, r.text
        assert "cpc_" not in r.text
        again = pending_cookie(r)
        assert send_code(browser, again, user.recovery_codes[0]).status_code == 200
        assert browser.get("/auth/session").json()["user"]["email"] == user.email


@pytest.fixture
def passkeys(api: Api, settings: Settings) -> Passkeys:
    return Passkeys(api, RelyingParty.from_settings(settings))


def _passkey_owner(api: Api, passkeys: Passkeys) -> tuple[AppUser, Authenticator]:
    owner = new_user(api, name="Begoña 🎬")
    authenticator = passkeys.authenticator()
    passkeys.register(api.token(owner.email, owner.password), authenticator, name="Llave ñ")
    return owner, authenticator


def _passkey_sign_in(
    browser: Browser, authenticator: Authenticator, **extra: object
) -> httpx.Response:
    r = browser.act("/auth/passkey/options", {})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    ceremony, options = r.json()["ceremonyToken"], r.json()["options"]
    credential = authenticator.get(options)
    return browser.act(
        "/auth/sign-in/passkey", {"ceremonyToken": ceremony, "credential": credential, **extra}
    )


def test_a_passkey_signs_the_browser_in_through_the_render_server(
    web: Web, api: Api, passkeys: Passkeys
) -> None:
    owner, authenticator = _passkey_owner(api, passkeys)
    with web.browser() as browser:
        r = _passkey_sign_in(browser, authenticator)
        assert r.status_code == 200, r.text
        assert browser.get("/auth/session").json()["user"]["email"] == owner.email
        # A second use of the same ceremony is refused with the one message.
        r = browser.act("/auth/passkey/options", {})
        ceremony = r.json()["ceremonyToken"]
        credential = authenticator.get(r.json()["options"])
        first = browser.act(
            "/auth/sign-in/passkey", {"ceremonyToken": ceremony, "credential": credential}
        )
        assert first.status_code == 200
        again = browser.act(
            "/auth/sign-in/passkey", {"ceremonyToken": ceremony, "credential": credential}
        )
        assert again.status_code == 401
        assert again.json()["message"] == "passkey sign-in failed"


def test_reauthenticating_with_another_accounts_passkey_is_refused_and_that_session_ended(
    web: Web, api: Api, passkeys: Passkeys
) -> None:
    owner, authenticator = _passkey_owner(api, passkeys)
    other = new_user(api, name="Íñigo")
    owner_token = api.token(owner.email, owner.password)
    before = api.http.get("/api/auth/sessions", headers=bearer(owner_token)).json()["data"]
    with web.browser() as browser:
        assert web.sign_in(browser, other.email, other.password).status_code == 200
        held = browser.session_cookie
        r = _passkey_sign_in(browser, authenticator, reauthenticate=True)
        assert r.status_code == 403, r.text
        assert browser.session_cookie == held
        assert browser.get("/auth/session").json()["user"]["email"] == other.email
    after = api.http.get("/api/auth/sessions", headers=bearer(owner_token)).json()["data"]
    assert len(after) == len(before)


def test_reauthenticating_with_a_passkey_needs_a_signed_in_browser(
    web: Web, api: Api, passkeys: Passkeys
) -> None:
    _, authenticator = _passkey_owner(api, passkeys)
    with web.browser() as browser:
        r = _passkey_sign_in(browser, authenticator, reauthenticate=True)
        assert r.status_code == 401
        assert browser.session_cookie is None


NEW_ROUTES = [
    ("/auth/sign-in/mfa", {"code": "123456"}),
    ("/auth/reauthenticate", {"password": "contraseña"}),
    ("/auth/passkey/options", {}),
    ("/auth/sign-in/passkey", {"ceremonyToken": "cpc_x", "credential": {}}),
    ("/api/auth/mfa/totp", {}),
    ("/api/auth/passkeys/registration", {}),
]


@pytest.mark.parametrize(("path", "body"), NEW_ROUTES)
def test_the_new_routes_refuse_requests_without_the_header_or_from_elsewhere(
    web: Web, path: str, body: object
) -> None:
    with web.browser() as browser:
        r = browser.post(path, json=body, headers={"Origin": web.url})
        assert r.status_code == 403
        assert r.json()["message"] == "missing the application's CSRF header"
        r = browser.post(path, json=body, headers={**CSRF, "Origin": "https://evil.example"})
        assert r.status_code == 403
        assert r.json()["message"] == "cross-origin request refused"


@pytest.fixture(scope="module")
def quick_web(api: Api, web_static: Path) -> Iterator[Web]:
    """An API whose access tokens live 2 seconds: the render server refreshes them often."""
    with serve_api_and_web(api, web_static, tokens={"access_ttl_seconds": 2}) as site:
        yield site


def test_a_stale_sign_in_gets_the_step_up_refusal_and_passes_after_reauthenticating(
    quick_web: Web, api: Api
) -> None:
    user = new_user(api)
    with quick_web.browser() as browser:
        assert quick_web.sign_in(browser, user.email, user.password).status_code == 200
        api.db.query(
            "UPDATE sessions SET created_at = :at WHERE user_id = (SELECT id FROM users"
            " WHERE email = :email)",
            at=api.db.moment(datetime.now(UTC) - timedelta(minutes=11)),
            email=user.email,
        )
        time.sleep(2.5)  # the access token expires; its refresh carries the session's auth_time
        r = browser.act("/api/auth/mfa/totp", {})
        assert r.status_code == 403, r.text
        assert r.json()["error"] == "insufficient_user_authentication"
        assert browser.act("/auth/reauthenticate", {"password": user.password}).status_code == 200
        r = browser.act("/api/auth/mfa/totp", {})
        assert r.status_code == 201, r.text
        assert r.json()["data"]["qrSvg"].lstrip().startswith("<")


def test_a_password_change_on_an_account_with_a_second_factor_signs_in_again_with_a_code(
    web: Web, api: Api
) -> None:
    user = user_with_totp(api)
    new_password = "otra contraseña ñandú 🎬"
    with web.browser() as browser:
        pending = pending_cookie(web.sign_in(browser, user.email, user.password))
        assert send_code(browser, pending, code_at(user.secret, 1)).status_code == 200
        r = browser.act(
            "/auth/password", {"currentPassword": user.password, "newPassword": new_password}
        )
        assert r.status_code == 202, r.text
        assert "cpc_" not in r.text
        # Every session ended at the API, this browser's too: it signs in again with a code.
        assert browser.session_cookie is None
        again = pending_cookie(r)
        assert send_code(browser, again, user.recovery_codes[0]).status_code == 200
        assert browser.get("/auth/session").json()["user"]["email"] == user.email
