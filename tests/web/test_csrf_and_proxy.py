"""SECURITY.md section B: CSRF, CORS, proxying; and the render server's error answers."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cinepass.web.app import create_web_app
from tests.support import LiveServer, free_port, has_session
from tests.web.conftest import Browser, Web, serve_api_and_web, web_settings

PASSWORD = "cross site scripting"


@pytest.fixture
def member(web: Web) -> Iterator[tuple[Browser, str]]:
    email = f"csrf-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    browser = web.browser()
    assert web.sign_in(browser, email, PASSWORD).status_code == 200
    yield browser, email
    browser.close()


def entries(web: Web) -> int:
    return int(web.api.db.scalar("SELECT count(*) FROM user_movies"))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "SELF"},
        {"X-Cinepass-CSRF": "1", "Origin": "https://evil.example"},
        {"X-Cinepass-CSRF": "1", "Origin": "null"},
        {"X-Cinepass-CSRF": "1", "Sec-Fetch-Site": "cross-site"},
        {"X-Cinepass-CSRF": "1", "Origin": "SELF", "Sec-Fetch-Site": "cross-site"},
        {"X-Cinepass-CSRF": "1"},
        {"X-Cinepass-CSRF": "0", "Origin": "SELF"},
    ],
    ids=[
        "nothing",
        "origin-only",
        "foreign-origin",
        "null-origin",
        "cross-site",
        "mixed",
        "header-only",
        "wrong-value",
    ],
)
def test_state_changes_without_the_header_or_from_elsewhere_are_403_before_the_api(
    web: Web, member: tuple[Browser, str], headers: dict[str, str]
) -> None:
    browser, email = member
    headers = {k: (web.url if v == "SELF" else v) for k, v in headers.items()}
    movie_id = web.api.create_movie()
    before_entries = entries(web)
    before_sessions = web.api.db.scalar("SELECT count(*) FROM sessions")
    calls = [
        browser.post("/api/user-movies", json={"movieId": movie_id}, headers=headers),
        browser.post("/auth/sign-out", headers=headers),
        browser.post("/auth/sign-in", json={"email": email, "password": PASSWORD}, headers=headers),
        browser.post(
            "/auth/sign-up",
            json={"name": "x", "email": f"n{uuid.uuid4().hex}@e.com", "password": PASSWORD},
            headers=headers,
        ),
    ]
    for r in calls:
        assert r.status_code == 403, (r.request.url, r.text)
        assert r.json()["statusCode"] == 403
    assert entries(web) == before_entries
    assert web.api.db.scalar("SELECT count(*) FROM sessions") == before_sessions
    assert has_session(browser), "the sign-out never happened"


def test_no_answer_allows_a_foreign_origin_with_credentials(
    web: Web, member: tuple[Browser, str]
) -> None:
    browser, _ = member
    evil = {"Origin": "https://evil.example"}
    answers = [
        browser.get("/api/movies", headers=evil),
        browser.get("/auth/session", headers=evil),
        browser.options("/api/movies", headers={**evil, "Access-Control-Request-Method": "POST"}),
        browser.options("/auth/sign-in", headers={**evil, "Access-Control-Request-Method": "POST"}),
    ]
    for r in answers:
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-credentials" not in r.headers


def test_get_never_changes_state(web: Web, member: tuple[Browser, str]) -> None:
    browser, _ = member
    movie_id = web.api.create_movie()
    before = entries(web)
    assert browser.get("/auth/sign-out").status_code in (404, 405)
    assert browser.get("/api/user-movies", params={"movieId": movie_id}).status_code == 200
    assert browser.get("/auth/sign-in").status_code in (404, 405)
    assert entries(web) == before
    assert has_session(browser)


def someone_elses_entry(web: Web) -> tuple[str, str, str]:
    """Another user with a movie on their list: (their id, their token, the movie)."""
    other_id, other_token = web.api.new_user()
    movie_id = web.api.create_movie()
    web.api.http.post(
        "/api/user-movies",
        json={"movieId": movie_id},
        headers={"Authorization": f"Bearer {other_token}"},
    )
    return other_id, other_token, movie_id


def test_the_browsers_authorization_header_never_reaches_the_api(
    web: Web, member: tuple[Browser, str]
) -> None:
    browser, _ = member
    other_id, other_token, _ = someone_elses_entry(web)
    mine = browser.get("/api/user-movies", headers={"Authorization": f"Bearer {other_token}"})
    assert mine.status_code == 200
    assert all(e["userId"] != other_id for e in mine.json()["data"])
    with web.browser() as stranger:
        r = stranger.get("/api/user-movies", headers={"Authorization": f"Bearer {other_token}"})
        assert r.status_code == 401


def test_the_browsers_user_id_cannot_reach_someone_elses_list(
    web: Web, member: tuple[Browser, str]
) -> None:
    browser, _ = member
    other_id, _, movie_id = someone_elses_entry(web)
    r = browser.get("/api/user-movies", params={"userId": other_id})
    assert r.status_code == 200
    assert all(e["userId"] != other_id for e in r.json()["data"])
    r = browser.post(
        "/api/user-movies",
        json={"movieId": movie_id, "userId": other_id},
        headers=web.same_origin(),
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/movies/..%2fuser-movies",
        "/api/%2e%2e/auth/me",
        "/api/movies/%2e%2e",
        "/api/movies/%2E%2E%2F%2E%2E%2Fhealth",
        "/api//evil.example/api/movies",
        "/api/http://evil.example/",
        "/api/movies@evil.example",
        "/api/movies/x@evil.example",
        "/api/auth/me",
        "/api/auth/sign-out",
        "/api/users",
        "/api/movies/a/b",
        "/api/movies/" + "x" * 65,
        "/api/.well-known/jwks.json",
    ],
)
def test_path_tricks_on_the_proxy_are_4xx(web: Web, member: tuple[Browser, str], path: str) -> None:
    browser, _ = member
    r = browser.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert r.headers["content-type"].startswith("application/json")


def test_routes_and_methods_outside_the_allow_list_are_refused(
    web: Web, member: tuple[Browser, str]
) -> None:
    browser, _ = member
    movie_id = web.api.create_movie()
    same = web.same_origin()
    # The catalogue's writes are the admin console's: an admin's session only (403 here).
    assert browser.post("/api/movies", json={"title": "x"}, headers=same).status_code == 403
    assert (
        browser.put(f"/api/movies/{movie_id}", json={"title": "x"}, headers=same).status_code == 403
    )
    assert browser.delete(f"/api/movies/{movie_id}", headers=same).status_code == 403
    # Anything else is no route at all, for anyone.
    assert (
        browser.patch(f"/api/movies/{movie_id}", json={"title": "x"}, headers=same).status_code
        == 404
    )
    assert browser.post("/api/admin/audit", json={}, headers=same).status_code == 404
    assert browser.delete("/api/admin/users", headers=same).status_code == 404
    assert browser.get("/api/admin/api-keys/x/secret").status_code == 404
    assert (
        web.api.http.get(
            f"/api/movies/{movie_id}", headers={"Authorization": f"Bearer {web.api.admin_token()}"}
        ).status_code
        == 200
    )


def test_a_return_to_parameter_never_sends_the_browser_elsewhere(
    web: Web, member: tuple[Browser, str]
) -> None:
    browser, _ = member
    for path in ("/", "/sign-in", "/auth/session", "/player/x"):
        for param in ("returnTo", "redirect", "next", "return_to"):
            r = browser.get(path, params={param: "https://evil.example/"})
            location = r.headers.get("location", "")
            assert not location or location.startswith("/"), (path, param, location)
            assert r.status_code < 300 or r.status_code >= 400


def test_security_headers_on_pages_and_json(web: Web, member: tuple[Browser, str]) -> None:
    browser, _ = member
    for r in (browser.get("/"), browser.get("/api/movies"), browser.get("/nope/page")):
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("style-src")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] in {
            "same-origin",
            "no-referrer",
            "strict-origin-when-cross-origin",
        }


def test_pages_never_inline_scripts(web: Web, web_static: Path) -> None:
    page = web.http.get("/").text
    assert "<script>" not in page.replace(" ", "")
    import re

    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag, tag


def test_errors_are_json_never_html_traces(web: Web, member: tuple[Browser, str]) -> None:
    browser, _ = member
    answers = [
        browser.post(
            "/auth/sign-in",
            content=b"{broken",
            headers={**web.same_origin(), "content-type": "application/json"},
        ),
        browser.post("/auth/sign-in", json={"email": 5}, headers=web.same_origin()),
        browser.get("/api/movies/nope"),
        browser.get("/api/movies", params={"limit": "lots"}),
    ]
    for r in answers:
        assert 400 <= r.status_code < 500
        assert r.headers["content-type"].startswith("application/json")
        assert "traceback" not in r.text.lower()


def test_sign_in_failures_never_ask_the_browser_for_basic_auth(web: Web) -> None:
    with web.browser() as browser:
        r = browser.post(
            "/auth/sign-in",
            json={"email": "nobody@example.com", "password": "whatever it is"},
            headers=web.same_origin(),
        )
        assert r.status_code == 401
        assert "www-authenticate" not in r.headers
        r = browser.post(
            "/auth/sign-in",
            auth=("nobody@example.com", "whatever it is"),
            json={},
            headers=web.same_origin(),
        )
        assert r.status_code == 401
        assert "www-authenticate" not in r.headers


def test_sign_up_does_not_tell_whether_an_email_is_taken(web: Web) -> None:
    email = f"taken-{uuid.uuid4().hex[:8]}@example.com"
    with web.browser() as browser:
        body = {"name": "Ada", "email": email, "password": PASSWORD}
        first = browser.post("/auth/sign-up", json=body, headers=web.same_origin())
        again = browser.post("/auth/sign-up", json=body, headers=web.same_origin())
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        weak = browser.post(
            "/auth/sign-up", json={**body, "password": "short"}, headers=web.same_origin()
        )
        assert weak.status_code == 400
        assert weak.json()["details"][0]["field"] == "password"


def test_the_api_being_down_is_a_clear_502_or_503(web: Web, web_static: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    port = free_port()
    app = create_web_app(
        web_settings(web.api, port, web_static, api={"url": f"http://127.0.0.1:{dead}"})
    )
    with LiveServer(app, port=port) as server:
        browser = Browser(server.url)
        r = browser.post(
            "/auth/sign-in",
            json={"email": "a@example.com", "password": PASSWORD},
            headers={"X-Cinepass-CSRF": "1", "Origin": server.url},
        )
        assert r.status_code in (502, 503)
        assert "unavailable" in r.json()["message"]
        browser.close()


def test_the_client_address_the_api_sees_is_the_browsers_not_a_forged_one(
    web: Web, web_static: Path
) -> None:
    """Failed sign-ins through the render server count against the browser's real address,
    whatever X-Forwarded-For the browser sends: the browser's header never reaches the API."""
    with serve_api_and_web(
        web.api,
        web_static,
        requests={"trusted_proxies": ["127.0.0.1"]},
        limits={"signin_failures_per_address": "3 per minute"},
    ) as site:
        browser = site.browser()
        statuses = [
            browser.post(
                "/auth/sign-in",
                json={"email": f"spray{i}@example.com", "password": "guess guess"},
                headers={**site.same_origin(), "X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(5)
        ]
        browser.close()
    assert statuses == [401, 401, 401, 429, 429]
    assert httpx is not None


def test_an_api_error_through_the_proxy_quotes_the_id_the_browser_was_answered_with(
    member: tuple[Browser, str],
) -> None:
    browser, _ = member
    for r in (browser.get("/api/movies/nope"), browser.get("/api/movies?limit=lots")):
        assert 400 <= r.status_code < 500, r.text
        assert r.json()["requestId"] == r.headers["x-request-id"], "one id for one click"
