"""The render server opens a browser's cookie once and keeps it: nothing ended is served from it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cinepass.web.session_cache import SessionCache
from cinepass.web.session_cookie import CookieSealer, WebSession
from tests.support import Api, bearer, has_session
from tests.web.conftest import Browser, Web, new_cookie_key, serve_api_and_web

PASSWORD = "a cookie opened only once"


def signed_in(web: Web) -> Browser:
    email = f"cache-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    browser = web.browser()
    assert web.sign_in(browser, email, PASSWORD).status_code == 200
    return browser


def another_tab(web: Web, browser: Browser) -> Browser:
    """The same browser's other tab: its own connection, the same cookie."""
    tab = web.browser()
    tab.session_cookie = browser.session_cookie
    return tab


def test_a_session_signed_out_in_another_tab_is_refused_at_once(web: Web) -> None:
    browser = signed_in(web)
    tab = another_tab(web, browser)
    for _ in range(3):
        assert tab.get("/api/movies?limit=5").status_code == 200
    assert browser.post("/auth/sign-out", headers=web.same_origin()).status_code == 200
    r = tab.get("/api/movies?limit=5")
    assert r.status_code == 401, r.text
    assert tab.session_cookie is None, "the tab is told to drop the cookie"
    browser.close()
    tab.close()


def test_signing_out_everywhere_ends_every_tab_at_once(web: Web) -> None:
    browser = signed_in(web)
    tab = another_tab(web, browser)
    assert tab.get("/api/user-movies").status_code == 200
    r = browser.post("/auth/sign-out-everywhere", headers=web.same_origin())
    assert r.status_code == 200, r.text
    assert tab.get("/api/user-movies").status_code == 401
    assert not has_session(tab)
    browser.close()
    tab.close()


def test_a_session_ended_at_the_api_is_refused_though_its_cookie_was_opened_before(
    web: Web,
) -> None:
    email = f"cache-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    browser = web.browser()
    assert web.sign_in(browser, email, PASSWORD).status_code == 200
    (this,) = browser.get("/api/auth/sessions").json()["data"]
    # Ended from another device, straight at the API: the render server is not told.
    other = web.api.token(email, PASSWORD)
    r = web.api.http.delete(f"/api/auth/sessions/{this['id']}", headers=bearer(other))
    assert r.status_code == 200, r.text
    r = browser.get("/api/user-movies")
    assert r.status_code == 401, r.text
    assert browser.session_cookie is None
    browser.close()


@pytest.fixture(scope="module")
def uncached(api: Api, web_static: Path) -> Iterator[Web]:
    with serve_api_and_web(api, web_static, web_groups={"cache": {"enabled": False}}) as web:
        yield web


def test_with_every_cache_off_the_proxy_serves_and_sign_out_still_ends(uncached: Web) -> None:
    browser = signed_in(uncached)
    assert browser.get("/api/movies?limit=5").status_code == 200
    tab = another_tab(uncached, browser)
    assert browser.post("/auth/sign-out", headers=uncached.same_origin()).status_code == 200
    assert tab.get("/api/movies?limit=5").status_code == 401
    browser.close()
    tab.close()


def session(expires_in: int, sid: str) -> WebSession:
    return WebSession(
        sid=sid,
        access_token="access",
        refresh_token="refresh",
        access_expires_at=int(time.time()) + expires_in,
        remember_me=False,
        user_id="user",
        name="Ana",
        email="ana@example.com",
    )


def test_the_cache_holds_a_cookie_no_longer_than_its_access_token() -> None:
    sealer = CookieSealer([new_cookie_key()])
    cache = SessionCache(sealer)
    live, expired = sealer.seal(session(60, "live")), sealer.seal(session(-1, "expired"))
    assert cache.open(live) == cache.open(live) is not None
    assert cache.open(expired) is not None, "still opened, for its refresh"
    assert len(cache) == 1


def test_a_forgotten_session_is_opened_again_and_a_full_cache_stays_bounded() -> None:
    sealer = CookieSealer([new_cookie_key()])
    cache = SessionCache(sealer, max_sessions=2)
    cookies = [sealer.seal(session(60, f"s{i}")) for i in range(3)]
    for cookie in cookies:
        assert cache.open(cookie) is not None
    assert len(cache) == 2
    cache.forget("s2")
    assert len(cache) == 1
    assert cache.open("not a cookie") is None
    assert cache.open(None) is None
