"""The render server: oversized, streamed or deep bodies, slash redirects and respelled cookies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.raw_http import send_chunked, send_growing_head, send_head
from tests.support import has_session
from tests.web.conftest import COOKIE, Browser, Web

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def member(web: Web) -> Iterator[Browser]:
    email = f"limits-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, "correct horse battery")
    browser = web.browser()
    assert web.sign_in(browser, email, "correct horse battery").status_code == 200
    yield browser
    browser.close()


def csrf_headers(web: Web) -> dict[str, str]:
    return {**web.same_origin(), "Content-Type": "application/json"}


@pytest.mark.parametrize("path", ["/api/user-movies", "/auth/sign-in", "/auth/sign-up"])
def test_a_two_gigabyte_declared_body_is_413_at_once_without_a_session(web: Web, path: str) -> None:
    answer = send_head(web.url, "POST", path, {**csrf_headers(web), "Content-Length": "2147483648"})
    assert answer.status == 413
    body = answer.json()
    assert body["statusCode"] == 413
    assert "limit" in body["message"]
    assert answer.seconds < 3
    assert answer.closed
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_headers_that_never_end_are_cut_with_431(web: Web) -> None:
    answer, sent = send_growing_head(web.url, "/auth/session", most=16 * 1024 * 1024)
    assert answer is not None, f"no answer after {sent} bytes of one header"
    assert answer.status == 431
    assert answer.json()["statusCode"] == 431
    assert sent < 1024 * 1024
    assert answer.closed


def test_a_streamed_body_that_grows_past_the_limit_is_cut_with_413(web: Web) -> None:
    answer, sent = send_chunked(
        web.url, "/api/user-movies", csrf_headers(web), chunk=b"{" * 8192, most=8 * 1024 * 1024
    )
    assert answer.status == 413
    assert answer.json()["statusCode"] == 413
    assert sent < 1024 * 1024
    assert answer.closed


def test_a_declared_body_over_the_render_servers_limit_is_413_before_it_is_sent(
    web: Web, member: Browser
) -> None:
    assert member.session_cookie
    headers = {**csrf_headers(web), "Cookie": f"{COOKIE}={member.session_cookie}"}
    answer = send_head(web.url, "POST", "/api/user-movies", {**headers, "Content-Length": "20000"})
    assert answer.status == 413
    assert answer.json()["message"] == "request body too large: the limit is 16384 bytes"
    assert answer.seconds < 3


def test_a_proxied_body_over_the_render_servers_limit_is_413(web: Web, member: Browser) -> None:
    movie_id = "m" * 20
    r = member.post(
        "/api/user-movies",
        json={"movieId": movie_id, "note": "ñ" * 20000},
        headers=web.same_origin(),
    )
    assert r.status_code == 413, r.text
    assert r.json()["statusCode"] == 413


@pytest.mark.parametrize("path", ["/api/user-movies", "/auth/sign-in", "/auth/sign-up"])
@pytest.mark.parametrize("depth", [350, 950])
def test_deeply_nested_json_is_a_400_with_details(
    web: Web, member: Browser, path: str, depth: int
) -> None:
    content = ("[" * depth + '"ñandú 🎬"' + "]" * depth).encode()
    r = member.post(path, content=content, headers=csrf_headers(web))
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["statusCode"] == 400
    assert body["details"] == [{"field": "body", "message": "JSON nested deeper than 32 levels"}]


def test_a_deep_body_labelled_as_text_is_refused_before_it_is_forwarded_as_json(
    web: Web, member: Browser
) -> None:
    content = b'{"movieId": ' + b"[" * 500 + b"]" * 500 + b"}"
    headers = {**web.same_origin(), "Content-Type": "text/plain"}
    r = member.post("/api/user-movies", content=content, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["details"] == [
        {"field": "body", "message": "JSON nested deeper than 32 levels"}
    ]


@pytest.mark.parametrize(
    "content",
    [
        b'{"email": "\\ud800@example.com", "password": "x"}',
        b'{"email": "a@example.com", "password": "\\udfff"}',
        b'{"email": "a@example.com", "password": "\xff\xfe not UTF-8"}',
        b'{"email": "a@example.com", "password": 1e999999}',
        b'["not", "an", "object"]',
    ],
)
def test_hostile_sign_in_bodies_are_400_never_500(web: Web, content: bytes) -> None:
    with web.browser() as browser:
        r = browser.post("/auth/sign-in", content=content, headers=csrf_headers(web))
    assert r.status_code == 400, r.text
    assert r.json()["statusCode"] == 400


@pytest.mark.parametrize(
    "path", ["/api/movies/", "/health/", "/auth/session/", "/api/user-movies/"]
)
def test_a_trailing_slash_never_redirects_to_the_host_header(
    web: Web, member: Browser, path: str
) -> None:
    r = member.get(path, headers={"Host": "evil.example"})
    assert "location" not in r.headers
    if path.startswith(("/api/", "/auth/")):
        assert r.status_code == 404, r.text
        assert r.json()["statusCode"] == 404
    else:
        # Any other path is a page of the SPA, served where it was asked for.
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")


def respell(cookie: str, how: str) -> str:
    if how == "padding":
        return cookie + "=" * (-len(cookie) % 4 or 4)
    # Four characters keep the length the lax decoder needed, and it skipped them.
    if how == "inserted dots":
        return cookie[:20] + "...." + cookie[20:]
    if how == "inserted tildes":
        return cookie[:-3] + "~!*~" + cookie[-3:]
    if how == "standard alphabet":
        return cookie + "+/"
    assert how == "spare bits"
    if len(cookie) % 4 == 0:
        return cookie + "A"  # an impossible length, which the lax decoder also rounded away
    return cookie[:-1] + ALPHABET[ALPHABET.index(cookie[-1]) ^ 1]


@pytest.mark.parametrize(
    "how", ["padding", "inserted dots", "inserted tildes", "standard alphabet", "spare bits"]
)
def test_a_session_cookie_spelled_another_way_is_401(web: Web, member: Browser, how: str) -> None:
    assert member.session_cookie
    assert has_session(member)
    other = respell(member.session_cookie, how)
    assert other != member.session_cookie
    with web.browser() as stranger:
        stranger.session_cookie = other
        assert not has_session(stranger)
        assert stranger.get("/api/user-movies").status_code == 401
