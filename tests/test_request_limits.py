"""Bodies too large, too deep or not storable, and slash redirects: 4xx JSON, never 500."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinepass import base64url
from cinepass.body_limits import json_depth_exceeds
from tests.raw_http import send_chunked, send_growing_head, send_head
from tests.support import Api, bearer, movie_body

ROUTES_WITH_BODIES = [
    "/api/auth/sign-up",
    "/api/auth/sign-in",
    "/api/auth/refresh",
    "/api/auth/sign-provider",
    "/api/auth/password",
    "/api/auth/sign-out",
    "/api/movies",
    "/api/user-movies",
]


def assert_error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert body["statusCode"] == status
    assert {"statusCode", "error", "message"} <= body.keys()
    return body


def nested(depth: int, inner: str = "ñandú") -> str:
    return "[" * depth + f'"{inner}"' + "]" * depth


@pytest.mark.parametrize("path", ["/api/auth/sign-in", "/api/movies", "/api/user-movies"])
def test_a_two_gigabyte_declared_body_is_refused_at_once_before_sign_in(
    api: Api, path: str
) -> None:
    answer = send_head(
        str(api.http.base_url),
        "POST",
        path,
        {"Content-Type": "application/json", "Content-Length": "2147483648"},
    )
    assert answer.status == 413
    assert answer.json()["statusCode"] == 413
    assert "limit" in answer.json()["message"]
    assert answer.seconds < 3
    assert answer.closed
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_streamed_body_that_grows_past_the_limit_is_cut_with_413(api: Api) -> None:
    answer, sent = send_chunked(
        str(api.http.base_url),
        "/api/auth/sign-up",
        {"Content-Type": "application/json"},
        chunk=b"[" * 8192,
        most=8 * 1024 * 1024,
    )
    assert answer.status == 413
    assert answer.json()["statusCode"] == 413
    assert sent < 1024 * 1024
    assert answer.closed


def test_headers_that_never_end_are_cut_with_431_and_normal_large_ones_pass(api: Api) -> None:
    answer, sent = send_growing_head(str(api.http.base_url), "/health", most=16 * 1024 * 1024)
    assert answer is not None, f"no answer after {sent} bytes of one header"
    assert answer.status == 431
    assert answer.json()["statusCode"] == 431
    assert sent < 1024 * 1024
    assert answer.closed
    r = api.http.get(
        "/health", headers={"Cookie": "other=" + "a" * 20000, "X-Note": "ñandú".encode()}
    )
    assert r.status_code == 200


def test_a_body_just_under_the_limit_still_reaches_the_route(api: Api) -> None:
    padding = "á" * 30000  # 60 000 bytes of UTF-8
    r = api.http.post("/api/auth/sign-up", json={"name": padding, "email": "x", "password": "y"})
    body = assert_error(r, 400)
    assert "name" in body["message"]


@pytest.mark.parametrize("path", ROUTES_WITH_BODIES)
@pytest.mark.parametrize("depth", [40, 350, 950, 5000])
def test_deeply_nested_json_is_a_400_with_details_on_every_route(
    api: Api, admin_token: str, path: str, depth: int
) -> None:
    r = api.http.post(
        path,
        content=nested(depth).encode(),
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    body = assert_error(r, 400)
    assert "nested deeper than 32" in body["message"]
    assert body["details"] == [{"field": "body", "message": "JSON nested deeper than 32 levels"}]


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 40 + b'"' + b'\\"' * 30000,
        b'"\\' * 20000 + b"[" * 40,
        b'["a\\"' * 10000,
        b"[" * 60000,
    ],
    ids=["escaped-quotes", "backslashes", "unterminated", "brackets"],
)
def test_a_body_built_to_slow_the_depth_check_is_answered_at_once(api: Api, content: bytes) -> None:
    started = time.monotonic()
    r = api.http.post(
        "/api/auth/sign-in", content=content, headers={"Content-Type": "application/json"}
    )
    assert time.monotonic() - started < 1.0
    assert_error(r, 400)


def test_deep_objects_inside_a_field_are_refused_and_brackets_in_text_are_not(
    api: Api, admin_token: str
) -> None:
    deep = '{"a":' * 400 + "1" + "}" * 400
    text = '{"title": "' + "[[[{{{" * 20 + '", "year": ' + deep + "}"
    r = api.http.post(
        "/api/movies",
        content=text.encode(),
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    assert_error(r, 400)
    title = "Los ñandúes [[[{{{" + "[" * 40 + " 🎬"
    r = api.http.post("/api/movies", json=movie_body(title=title[:80]), headers=bearer(admin_token))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": "Ana", "email": "a@example.com", "password": "x", "apiKeyToken": 1e999999}',
        b'{"name": "Ana", "email": "a@example.com", "password": "x", "apiKeyToken": '
        + b"9" * 5000
        + b"}",
        b'{"name": "\\ud800", "email": "a@example.com", "password": "contrase\\u00f1a segura"}',
        b'{"name": "Ana", "email": "a@example.com", "password": "\\udfff\\ud800 lone halves"}',
        b'{"name": "Ana\xff\xfe", "email": "a@example.com", "password": "bytes not UTF-8"}',
        b'{"name": "Ana", "name": "Eva", "email": "a@example.com", "password": "twice"}',
        b'["a list", "not an object"]',
        b'"just a string"',
        b'"' + b"[" * 100 + b'"',
        b'"\\"' + b"{" * 100,
        b"null",
        b"NaN",
        b"{",
        b"",
    ],
)
def test_hostile_json_bodies_are_a_clear_400_never_500(api: Api, content: bytes) -> None:
    r = api.http.post(
        "/api/auth/sign-up", content=content, headers={"Content-Type": "application/json"}
    )
    assert_error(r, 400)


def test_thousands_of_unknown_fields_get_a_short_answer(api: Api) -> None:
    body = {f"campo_ñ_{i}": "á" for i in range(3000)}
    r = api.http.post("/api/auth/sign-up", json=body)
    answer = assert_error(r, 400)
    assert len(answer["details"]) == 20
    assert answer["message"].endswith("problems in all")
    assert len(r.content) < 4096


def test_a_lone_surrogate_in_a_refresh_token_is_400_not_500(api: Api) -> None:
    r = api.http.post(
        "/api/auth/refresh",
        content=b'{"refreshToken": "abc\\ud800def"}',
        headers={"Content-Type": "application/json"},
    )
    body = assert_error(r, 400)
    assert "surrogate" in body["message"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "TEXT/JSON", "x/y+json"]
)
def test_a_body_that_is_not_json_is_refused_with_json(api: Api, content_type: str) -> None:
    r = api.http.post(
        "/api/auth/sign-up",
        content='{"name": "Ñ", "email": "n@example.com", "password": "contraseña"}'.encode(),
        headers={"Content-Type": content_type},
    )
    assert r.status_code in (400, 415), r.text
    assert r.json()["statusCode"] == r.status_code
    deep = api.http.post(
        "/api/auth/sign-up", content=b"[" * 400 + b"]" * 400, headers={"Content-Type": content_type}
    )
    assert deep.status_code == 400
    assert deep.json()["details"][0]["message"] == "JSON nested deeper than 32 levels"


@pytest.mark.parametrize(
    "params",
    [
        [("tags", "cine\x00negro"), ("tags", "drama")],
        [("tags", "ñandú"), ("tags", "a\x00"), ("tags", "🎬")],
        [("q", "a\x00"), ("tags", "x")],
    ],
)
def test_a_nul_in_any_repeated_query_value_is_400_not_500(
    api: Api, admin_token: str, params: list[tuple[str, str]]
) -> None:
    r = api.http.get("/api/movies", params=params, headers=bearer(admin_token))
    body = assert_error(r, 400)
    assert "NUL" in body["message"]


def test_a_deep_cursor_is_a_400_not_500(api: Api, admin_token: str) -> None:
    cursor = base64url.encode(("[" * 3000 + "]" * 3000).encode())
    r = api.http.get("/api/movies", params={"cursor": cursor}, headers=bearer(admin_token))
    assert_error(r, 400)


@pytest.mark.parametrize("path", ["/api/movies/", "/health/", "/ready/", "/api/user-movies/"])
def test_a_trailing_slash_never_redirects_to_the_host_header(
    api: Api, admin_token: str, path: str
) -> None:
    r = api.http.get(path, headers={**bearer(admin_token), "Host": "evil.example"})
    assert "location" not in r.headers
    assert r.status_code == 404
    assert_error(r, 404)


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


_TEXT = st.text(alphabet=st.sampled_from('[]{}"\\ñá🎬a:,'), max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=40,
)


@given(value=_JSON, limit=st.integers(min_value=0, max_value=8), ascii_only=st.booleans())
@settings(max_examples=300, deadline=None, database=None)
def test_the_depth_check_agrees_with_a_parser(value: Any, limit: int, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_depth_exceeds(body, limit) == (_depth(value) > limit)
