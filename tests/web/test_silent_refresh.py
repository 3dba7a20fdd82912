"""The render server's silent refresh, over HTTP: an expired access token is replaced unseen."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support import Api, has_session
from tests.web.conftest import COOKIE, Browser, Web, serve_api_and_web

PASSWORD = "a quiet refreshing phrase"
ACCESS_SECONDS = 2  # the render server refreshes 5 s before expiry, so at every call here
PARALLEL = 8


@pytest.fixture(scope="module")
def short_lived(api: Api, web_static: Path) -> Iterator[Web]:
    """An API whose access tokens live 2 seconds, and a render server in front of it."""
    with serve_api_and_web(api, web_static, tokens={"access_ttl_seconds": ACCESS_SECONDS}) as web:
        yield web


def sign_in(web: Web, remember: bool) -> tuple[Browser, httpx.Response]:
    email = f"refresh-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    browser = web.browser()
    r = web.sign_in(browser, email, PASSWORD, remember)
    assert r.status_code == 200, r.text
    return browser, r


def session_cookie_attributes(r: httpx.Response) -> dict[str, str] | None:
    """The attributes of the session cookie this answer sets (lower-cased names), or None."""
    headers = [h for h in r.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
    if not headers:
        return None
    assert len(headers) == 1, headers
    parts = [p.strip() for p in headers[0].split(";")[1:]]
    return {p.split("=", 1)[0].lower(): p.partition("=")[2] for p in parts}


def expire_access_token() -> None:
    time.sleep(ACCESS_SECONDS + 0.5)


def test_a_silent_refresh_keeps_the_remember_me_lifetime(short_lived: Web) -> None:
    browser, signed = sign_in(short_lived, remember=True)
    signed_at = time.monotonic()
    at_sign_in = session_cookie_attributes(signed)
    assert at_sign_in is not None
    lifetime = int(at_sign_in["max-age"])
    first = browser.session_cookie
    expire_access_token()

    r = browser.get("/api/user-movies")
    elapsed = time.monotonic() - signed_at
    assert r.status_code == 200, r.text
    resealed = session_cookie_attributes(r)
    assert resealed is not None, "fresh tokens are sealed into a new cookie"
    assert browser.session_cookie != first
    assert "max-age" in resealed, "still a remembered cookie, not one for this browser session"
    # No longer than at sign-in, and no shorter than what was left of it.
    assert lifetime - elapsed - 2 <= int(resealed["max-age"]) <= lifetime, (resealed, lifetime)
    assert {"secure", "httponly"} <= resealed.keys()
    assert resealed["samesite"].lower() == "strict"

    expire_access_token()
    assert browser.get("/api/user-movies").status_code == 200, "the re-sealed cookie works"
    browser.close()


def test_without_remember_me_a_silent_refresh_keeps_a_browser_session_cookie(
    short_lived: Web,
) -> None:
    browser, _ = sign_in(short_lived, remember=False)
    expire_access_token()
    r = browser.get("/api/user-movies")
    assert r.status_code == 200, r.text
    resealed = session_cookie_attributes(r)
    assert resealed is not None
    assert "max-age" not in resealed
    assert "expires" not in resealed
    browser.close()


def test_parallel_requests_with_an_expired_token_share_one_refresh(short_lived: Web) -> None:
    browser, _ = sign_in(short_lived, remember=True)
    cookie = browser.session_cookie
    assert cookie is not None
    expire_access_token()
    start = threading.Barrier(PARALLEL)

    def call(_: int) -> tuple[httpx.Response, str | None]:
        with short_lived.browser() as tab:  # another tab of the same browser: the same cookie
            tab.session_cookie = cookie
            start.wait(timeout=30)
            return tab.get("/api/user-movies"), tab.session_cookie

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(call, range(PARALLEL)))
    assert [r.status_code for r, _ in answers] == [200] * PARALLEL, [r.text for r, _ in answers]
    resealed = {value for _, value in answers}
    assert cookie not in resealed, "every answer carries the refreshed session"

    # Had two refreshes with the same refresh token reached the API, it would have taken the
    # second for a stolen token and ended the whole session: it goes on, refresh after refresh.
    browser.session_cookie = answers[-1][1]
    for _ in range(2):
        expire_access_token()
        r = browser.get("/api/user-movies")
        assert r.status_code == 200, r.text
        assert session_cookie_attributes(r) is not None
    assert has_session(browser)
    browser.close()
