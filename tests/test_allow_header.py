"""A 405 names in `Allow` every method the path answers (RFC 9110 10.2.1), on both servers."""

from __future__ import annotations

import pytest

from tests.support import Api, bearer
from tests.web.conftest import Web, web, web_static

__all__ = ["web", "web_static"]  # the render-server fixtures of tests/web, used here too


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/api/movies", "GET, POST"),
        ("OPTIONS", "/api/movies/some-id", "GET, PUT, DELETE"),
        ("PUT", "/api/user-movies", "GET, POST"),
        ("GET", "/api/auth/identities/some-id", "DELETE"),
        ("DELETE", "/.well-known/jwks.json", "GET"),
    ],
)
def test_a_405_from_the_api_allows_every_method_of_the_path(
    api: Api, admin_token: str, method: str, path: str, allowed: str
) -> None:
    r = api.http.request(method, path, headers=bearer(admin_token))
    assert r.status_code == 405
    assert r.headers["allow"] == allowed
    assert r.json()["statusCode"] == 405


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/auth/sign-in", "POST"), ("/auth/session", "GET"), ("/account", "GET")],
)
def test_a_405_from_the_render_server_names_the_methods_its_routes_answer(
    web: Web, path: str, allowed: str
) -> None:
    r = web.http.options(path, headers=web.same_origin())
    assert r.status_code == 405
    assert r.headers["allow"] == allowed
    assert r.json()["statusCode"] == 405
