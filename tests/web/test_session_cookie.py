"""SECURITY.md section A: the session lives in a sealed, locked-down cookie; tokens never leak."""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cinepass.web.app import create_web_app
from tests.support import LiveServer, free_port, has_session
from tests.web.conftest import COOKIE, Browser, Web, new_cookie_key, web_settings

PASSWORD = "cookie monster phrase"
JWT_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]{10,}")


def signed_in(web: Web, remember: bool = False) -> tuple[Browser, str, httpx.Response]:
    email = f"cookie-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    browser = web.browser()
    r = web.sign_in(browser, email, PASSWORD, remember)
    assert r.status_code == 200, r.text
    return browser, email, r


def set_cookie_header(r: httpx.Response) -> str:
    headers = [h for h in r.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
    assert len(headers) == 1
    return headers[0]


def attributes(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";")[1:]]
    return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}


def test_the_cookie_is_host_prefixed_secure_httponly_strict_and_hostwide(web: Web) -> None:
    browser, _, r = signed_in(web)
    attrs = attributes(set_cookie_header(r))
    assert {"secure", "httponly"} <= attrs.keys()
    assert attrs["path"] == "/"
    assert attrs["samesite"].lower() == "strict"
    assert "domain" not in attrs
    browser.close()


def test_without_remember_me_the_cookie_ends_with_the_browser(web: Web) -> None:
    browser, _, r = signed_in(web, remember=False)
    attrs = attributes(set_cookie_header(r))
    assert "max-age" not in attrs
    assert "expires" not in attrs
    browser.close()


def test_remember_me_keeps_the_cookie_for_30_days(web: Web) -> None:
    browser, _, r = signed_in(web, remember=True)
    assert attributes(set_cookie_header(r))["max-age"] == str(30 * 24 * 3600)
    browser.close()


def test_no_answer_carries_a_token_or_a_secret(web: Web, web_static: Path) -> None:
    browser, email, first = signed_in(web)
    answers = [
        first,
        browser.get("/auth/session"),
        browser.get("/api/movies"),
        browser.get("/api/user-movies"),
        browser.get("/"),
        browser.get("/player/anything"),
        browser.get("/api/movies/nope"),
        browser.post(
            "/auth/sign-in",
            json={"email": email, "password": "wrong one"},
            headers=web.same_origin(),
        ),
        browser.post("/auth/sign-out", headers=web.same_origin()),
    ]
    bundles = [p.read_text() for p in (web_static / "assets").glob("*.js")]
    assert bundles, f"no JavaScript bundle under {web_static}/assets to scan"
    secrets = [web.api.public_key, web.api.admin_key]
    for r in answers:
        visible = r.text + json.dumps(
            [(k, v) for k, v in r.headers.multi_items() if k.lower() != "set-cookie"]
        )
        assert not JWT_LIKE.search(visible), r.request.url
        assert "cpr_" not in visible
        for secret in secrets:
            assert secret not in visible
        for header in r.headers.get_list("set-cookie"):
            assert not JWT_LIKE.search(header), "the cookie is sealed, not a raw JWT"
    for bundle in bundles:
        assert not JWT_LIKE.search(bundle)
        for secret in secrets:
            assert secret not in bundle
    browser.close()


def test_a_tampered_cookie_is_401(web: Web) -> None:
    browser, _, _ = signed_in(web)
    assert browser.session_cookie
    sealed = bytearray(base64.urlsafe_b64decode(browser.session_cookie + "=="))
    sealed[-5] ^= 0x01
    browser.session_cookie = base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")
    assert not has_session(browser)
    assert browser.get("/api/movies").status_code == 401
    browser.close()


def test_a_cookie_sealed_with_another_key_is_401(web: Web, web_static: Path) -> None:
    port = free_port()
    other = create_web_app(web_settings(web.api, port, web_static))
    with LiveServer(other, port=port) as server:
        foreign = Browser(server.url)
        email = f"other-{uuid.uuid4().hex[:8]}@example.com"
        web.api.sign_up(email, PASSWORD)
        r = foreign.post(
            "/auth/sign-in",
            json={"email": email, "password": PASSWORD},
            headers={"X-Cinepass-CSRF": "1", "Origin": server.url},
        )
        assert r.status_code == 200
        cookie = foreign.session_cookie
        foreign.close()
    with web.browser() as browser:
        browser.session_cookie = cookie
        assert not has_session(browser)


def test_the_session_id_inside_carries_at_least_128_random_bits(
    api_key_free_web: tuple[Web, str],
) -> None:
    web, key = api_key_free_web
    browser, _, _ = signed_in(web)
    assert browser.session_cookie
    raw = base64.urlsafe_b64decode(browser.session_cookie + "==")
    aes = AESGCM(base64.urlsafe_b64decode(key + "=="))
    inside = json.loads(aes.decrypt(raw[1:13], raw[13:], COOKIE.encode()))
    sid = base64.urlsafe_b64decode(inside["sid"] + "==")
    assert len(sid) >= 16
    browser.close()


@pytest.fixture
def api_key_free_web(web: Web, web_static: Path):  # type: ignore[no-untyped-def]
    """A render server whose cookie key the test knows, to look inside a cookie."""
    key = new_cookie_key()
    port = free_port()
    app = create_web_app(web_settings(web.api, port, web_static, web={"session_keys": [key]}))
    with LiveServer(app, port=port) as server:
        yield Web(url=server.url, http=web.http, api=web.api), key


def test_a_cookie_planted_before_sign_in_is_replaced_and_stays_useless(web: Web) -> None:
    email = f"planted-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    with web.browser() as browser:
        planted = "attacker-chosen-value"
        browser.session_cookie = planted
        assert not has_session(browser)
        browser.session_cookie = planted
        assert web.sign_in(browser, email, PASSWORD).status_code == 200
        assert browser.session_cookie not in (None, planted)
        assert has_session(browser)
        browser.session_cookie = planted
        assert not has_session(browser)


def test_after_sign_out_the_old_cookie_is_401_and_its_refresh_token_is_revoked(
    api_key_free_web: tuple[Web, str],
) -> None:
    web, key = api_key_free_web
    browser, _, _ = signed_in(web)
    old = browser.session_cookie
    assert old
    raw = base64.urlsafe_b64decode(old + "==")
    inside = json.loads(
        AESGCM(base64.urlsafe_b64decode(key + "==")).decrypt(raw[1:13], raw[13:], COOKIE.encode())
    )
    assert browser.post("/auth/sign-out", headers=web.same_origin()).status_code == 200
    assert browser.session_cookie is None, "sign-out clears the cookie"
    browser.session_cookie = old
    assert not has_session(browser)
    assert browser.get("/api/user-movies").status_code == 401
    refreshed = web.api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": inside["refresh_token"], "apiKeyToken": web.api.public_key},
    )
    assert refreshed.status_code == 401
    browser.close()
