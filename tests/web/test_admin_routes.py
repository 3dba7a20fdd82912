"""Issue 13: the admin console's routes through the render server, for admin sessions only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from cinepass.scopes import ADMIN_READS, ADMIN_WRITES, PRESETS
from cinepass.web.proxy import ADMIN_ROUTES, IMPORT_PATH, Allowed
from tests.support import Api
from tests.web.conftest import Browser, Web

PASSWORD = "una contraseña de prueba"
GATE = "the admin console is for administrators"
# An id of the shape the allow-list admits (a Mongo-style id: whatever the API then says).
SOME_ID = "0123456789abcdef01234567"


def example_path(route: Allowed) -> str:
    return route.pattern.pattern.replace("[A-Za-z0-9_-]{1,64}", SOME_ID)


def route_id(route: Allowed) -> str:
    return f"{route.method} {example_path(route).replace(SOME_ID, '{id}')}"


def call(browser: Browser, route: Allowed) -> httpx.Response:
    path = example_path(route)
    if route.method == "GET":
        return browser.get(path)
    return browser.act(path, {} if route.body else None, method=route.method)


@pytest.fixture
def member(web: Web) -> Iterator[Browser]:
    email = f"josé-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD, name="José Núñez")
    browser = web.browser()
    assert web.sign_in(browser, email, PASSWORD).status_code == 200
    yield browser
    browser.close()


@pytest.fixture
def admin(web: Web) -> Iterator[Browser]:
    browser = web.browser()
    r = web.sign_in(browser, web.api.admin_email, web.api.admin_password)
    assert r.status_code == 200, r.text
    yield browser
    browser.close()


def test_the_allow_list_names_every_admin_route() -> None:
    assert {route_id(r) for r in ADMIN_ROUTES} == {
        "POST /api/movies",
        "PUT /api/movies/{id}",
        "DELETE /api/movies/{id}",
        "POST /api/admin/movies/import",
        "GET /api/admin/users",
        "PATCH /api/admin/users/{id}",
        "GET /api/admin/users/{id}/sessions",
        "DELETE /api/admin/users/{id}/sessions",
        "DELETE /api/admin/users/{id}/sessions/{id}",
        "GET /api/admin/api-keys",
        "POST /api/admin/api-keys",
        "DELETE /api/admin/api-keys/{id}",
        "GET /api/admin/audit",
    }


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=route_id)
def test_a_user_session_gets_403_for_every_admin_route_before_the_api(
    web: Web, member: Browser, route: Allowed
) -> None:
    r = call(member, route)
    assert r.status_code == 403, r.text
    # The render server's own refusal: the API would have named a scope.
    assert r.json()["message"] == GATE


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=route_id)
def test_an_admin_session_reaches_every_admin_route(
    web: Web, admin: Browser, route: Allowed
) -> None:
    r = call(admin, route)
    assert r.status_code not in (401, 403), r.text
    assert r.json().get("message") not in (GATE, "no such route")
    if route.method == "GET" and SOME_ID not in example_path(route):
        assert r.status_code == 200, r.text


def test_a_visitor_without_a_session_gets_401_for_an_admin_route(web: Web) -> None:
    with web.browser() as browser:
        assert browser.get("/api/admin/users").status_code == 401


def test_an_admin_creates_edits_and_deletes_a_movie_through_the_render_server(
    web: Web, admin: Browser
) -> None:
    body = {
        "title": "El espíritu de la colmena",
        "year": 1973,
        "cover": "https://example.com/colmena.jpg",
        "description": "Una niña en la Castilla de posguerra.",
        "duration": 97,
        "contentRating": "PG",
        "source": "https://example.com/colmena.mp4",
        "tags": ["drama"],
    }
    r = admin.act("/api/movies", body)
    assert r.status_code == 201, r.text
    movie_id = r.json()["data"]
    r = admin.act(f"/api/movies/{movie_id}", {"title": "El sur"}, method="PUT")
    assert r.status_code == 200, r.text
    assert admin.get(f"/api/movies/{movie_id}").json()["data"]["title"] == "El sur"
    assert admin.act(f"/api/movies/{movie_id}", method="DELETE").status_code == 200
    assert admin.get(f"/api/movies/{movie_id}").status_code == 404


def test_the_import_takes_a_larger_body_than_any_other_route(web: Web, admin: Browser) -> None:
    # ~84 KiB: over the render server's 16 KiB and the API's 64 KiB for other routes.
    csv = "title,year\n" + "Ñandú,2001\n" * 7000
    headers = {"X-Cinepass-CSRF": "1", "Origin": web.url, "Content-Type": "text/csv"}
    r = admin.post(IMPORT_PATH, content=csv.encode(), headers=headers)
    assert r.status_code != 413, r.text
    r = admin.post("/api/movies", content=csv.encode(), headers=headers)
    assert r.status_code == 413, r.text


def test_the_session_says_the_users_role(web: Web, member: Browser, admin: Browser) -> None:
    assert member.get("/auth/session").json()["user"]["role"] == "user"
    assert admin.get("/auth/session").json()["user"]["role"] == "admin"


def claims_scopes(api: Api, token: str) -> set[str]:
    return set(api._claims(token)["scope"].split())


def test_the_web_keys_user_token_carries_no_admin_scope(api: Api) -> None:
    assert set(PRESETS["web"]) >= ADMIN_READS | ADMIN_WRITES, "the render server's key has them"
    email = f"núñez-{uuid.uuid4().hex[:8]}@example.com"
    api.sign_up(email, PASSWORD)
    user_scopes = claims_scopes(api, api.token(email, PASSWORD))
    assert not user_scopes & (ADMIN_READS | ADMIN_WRITES)
    admin_scopes = claims_scopes(api, api.token(api.admin_email, api.admin_password))
    assert admin_scopes >= ADMIN_READS | ADMIN_WRITES
