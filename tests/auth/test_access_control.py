"""SECURITY.md section D: every route needs a token, every scope is checked, nothing leaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute

from cinepass.api import PROTECTED_ROUTERS
from cinepass.scopes import ALL_SCOPES, PRESETS
from tests.support import Api, bearer, envelope, movie_body

# (method, path, the scope it needs); `{movie}` and `{entry}` are filled with real ids.
SCOPED_ROUTES = [
    ("GET", "/api/movies", "read:movies"),
    ("GET", "/api/movies/{movie}", "read:movies"),
    ("POST", "/api/movies", "create:movies"),
    ("PUT", "/api/movies/{movie}", "update:movies"),
    ("DELETE", "/api/movies/{movie}", "delete:movies"),
    ("GET", "/api/user-movies", "read:user-movies"),
    ("POST", "/api/user-movies", "create:user-movies"),
    ("DELETE", "/api/user-movies/{entry}", "delete:user-movies"),
    ("GET", "/api/catalogue/genres", "read:movies"),
    ("GET", "/api/catalogue/trends", "read:movies"),
    ("GET", "/api/catalogue/rows", "read:movies"),
    ("PUT", "/api/movies/{movie}/progress", "create:user-movies"),
    ("GET", "/api/watching", "read:user-movies"),
    ("GET", "/api/movies/{movie}/playback", "read:movies"),
    ("GET", "/api/admin/audit", "read:audit"),
    ("GET", "/api/admin/users", "read:users"),
    ("PATCH", "/api/admin/users/{user}", "update:users"),
    ("GET", "/api/admin/users/{user}/sessions", "read:users"),
    ("DELETE", "/api/admin/users/{user}/sessions", "update:users"),
    ("DELETE", "/api/admin/users/{user}/sessions/{session}", "update:users"),
    ("GET", "/api/admin/api-keys", "read:api-keys"),
    ("POST", "/api/admin/api-keys", "create:api-keys"),
    ("DELETE", "/api/admin/api-keys/{key}", "delete:api-keys"),
    ("POST", "/api/admin/movies/import", "create:movies"),
]
# Routes on the caller's own session or account: any valid token, no particular scope.
ACCOUNT_ROUTES = [
    ("GET", "/api/auth/me", None),
    ("GET", "/api/auth/identities", None),
    ("POST", "/api/auth/identities", None),
    ("DELETE", "/api/auth/identities/{identity}", None),
    ("POST", "/api/auth/sign-out", None),
    ("POST", "/api/auth/password", None),
    ("POST", "/api/auth/email", None),
    ("GET", "/api/auth/sessions", None),
    ("DELETE", "/api/auth/sessions/{session}", None),
    ("POST", "/api/auth/sign-out-everywhere", None),
    ("POST", "/api/auth/passkeys/registration", None),
    ("POST", "/api/auth/passkeys", None),
    ("GET", "/api/auth/passkeys", None),
    ("PATCH", "/api/auth/passkeys/{passkey}", None),
    ("DELETE", "/api/auth/passkeys/{passkey}", None),
    ("GET", "/api/auth/mfa", None),
    ("POST", "/api/auth/mfa/totp", None),
    ("POST", "/api/auth/mfa/totp/confirm", None),
    ("POST", "/api/auth/mfa/disable", None),
    ("POST", "/api/auth/mfa/recovery-codes", None),
]
ROUTES = SCOPED_ROUTES + ACCOUNT_ROUTES
# Passkey ids are UUIDs (in hex): any other segment is no route at all (404).
PASSKEY_ID = "0" * 32


def test_the_route_table_covers_every_protected_route() -> None:
    declared = {
        (method, route.path)
        for router in PROTECTED_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    covered = {
        (
            m,
            p.replace("{movie}", "{movie_id}")
            .replace("{entry}", "{user_movie_id}")
            .replace("{identity}", "{identity_id}")
            .replace("{session}", "{session_id}")
            .replace("{passkey}", "{passkey_id:uuid}")
            .replace("{user}", "{user_id}")
            .replace("{key}", "{api_key_id}"),
        )
        for m, p, _ in ROUTES
    }
    assert declared == covered


def body_for(method: str, path: str, movie_id: str) -> object:
    if method == "POST" and path == "/api/movies":
        return movie_body()
    if path == "/api/admin/movies/import":
        return [movie_body(title="Imported without the scope")]
    if path == "/api/admin/api-keys" and method == "POST":
        return {"name": "Sin permiso", "preset": "admin"}
    if path == "/api/admin/users/{user}":
        return {"disabled": True}
    if path.endswith("/progress"):
        return {"position": 3, "duration": 24}
    if method == "PUT":
        return {"title": "Renamed"}
    if path == "/api/auth/password":
        return {"currentPassword": "whatever it is", "newPassword": "a brand new passphrase"}
    if path == "/api/auth/email":
        return {"email": "nueva@example.com", "password": "whatever it is"}
    if path in ("/api/auth/sign-out", "/api/auth/sign-out-everywhere"):
        return None
    if path in (
        "/api/auth/mfa/totp/confirm",
        "/api/auth/mfa/disable",
        "/api/auth/mfa/recovery-codes",
    ):
        return {"code": "123456"}
    if path == "/api/auth/mfa/totp":
        return None
    if path == "/api/auth/passkeys/registration":
        return {}
    if path == "/api/auth/passkeys" and method == "POST":
        return {"ceremonyToken": "cpc_x", "credential": {"id": "x"}}
    if method == "PATCH":
        return {"name": "Phone"}
    if path == "/api/auth/identities" and method == "POST":
        return {"idToken": "not.a.token"}
    if method == "POST":
        return {"movieId": movie_id}
    return None


def counts(api: Api) -> tuple[int, ...]:
    return tuple(
        api.db.scalar(f"SELECT count(*) FROM {t}") for t in ("movies", "user_movies", "movie_tags")
    )


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_no_token_is_401_with_a_bearer_challenge(
    api: Api, method: str, path: str, scope: str
) -> None:
    r = api.http.request(
        method,
        path.format(
            movie="m", entry="e", identity="i", session="s", passkey=PASSKEY_ID, user="u", key="k"
        ),
        json=body_for(method, path, "m"),
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["statusCode"] == 401


@pytest.mark.parametrize(("method", "path", "scope"), SCOPED_ROUTES)
def test_a_token_lacking_the_routes_scope_is_403_and_changes_nothing(
    api: Api,
    admin_token: str,
    make_key: Callable[[list[str]], str],
    method: str,
    path: str,
    scope: str,
) -> None:
    movie_id = api.create_movie(admin_token)
    _, user_token = api.new_user()
    entry = api.http.post(
        "/api/user-movies", json={"movieId": movie_id}, headers=bearer(user_token)
    )
    entry_id = entry.json()["data"]
    user_id = api._claims(user_token)["sub"]
    session_id = api._claims(user_token)["sid"]
    spare = make_key(["signin:auth", "read:movies"])
    spare_id = api.db.scalar("SELECT id FROM api_keys WHERE prefix = :p", p=spare[:12])
    # An admin signed in with a key holding every scope but this route's one.
    key = make_key([s for s in ALL_SCOPES if s != scope])
    token = api.token(api.admin_email, api.admin_password, key=key)
    before = counts(api)
    r = api.http.request(
        method,
        path.format(movie=movie_id, entry=entry_id, user=user_id, session=session_id, key=spare_id),
        json=body_for(method, path, movie_id),
        headers=bearer(token),
    )
    assert r.status_code == 403, r.text
    assert "insufficient_scope" in r.json()["message"]
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]
    assert counts(api) == before
    title = api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token)).json()["data"][
        "title"
    ]
    assert title == "The General"
    assert api.http.get("/api/auth/me", headers=bearer(user_token)).status_code == 200
    assert api.token(api.admin_email, api.admin_password, key=spare)


def test_the_public_key_cannot_create_update_or_delete_movies(
    api: Api, admin_token: str, make_key: Callable[[list[str]], str]
) -> None:
    movie_id = api.create_movie(admin_token)
    # The `public` preset's key, even for an admin (the suite's render-server key is `web`,
    # which carries the admin console's scopes).
    public_key = make_key(list(PRESETS["public"]))
    token = api.token(api.admin_email, api.admin_password, key=public_key)
    assert api.http.post("/api/movies", json=movie_body(), headers=bearer(token)).status_code == 403
    assert (
        api.http.put(
            f"/api/movies/{movie_id}", json={"year": 1930}, headers=bearer(token)
        ).status_code
        == 403
    )
    assert api.http.delete(f"/api/movies/{movie_id}", headers=bearer(token)).status_code == 403


def test_unsupported_methods_are_405_with_the_error_envelope(api: Api, admin_token: str) -> None:
    r = api.http.patch("/api/movies", headers=bearer(admin_token))
    assert r.status_code == 405
    assert r.json()["statusCode"] == 405
    assert "allow" in r.headers


def test_unknown_routes_are_404_json(api: Api) -> None:
    r = api.http.get("/api/nothing-here")
    assert r.status_code == 404
    assert envelope(r) == {"statusCode": 404, "error": "Not Found", "message": "not found"}


def test_error_answers_never_carry_traces_sql_or_secrets(api: Api, admin_token: str) -> None:
    answers = [
        api.http.get("/api/movies", params={"cursor": "%%%"}, headers=bearer(admin_token)),
        api.http.get("/api/movies", params={"limit": "lots"}, headers=bearer(admin_token)),
        api.http.post(
            "/api/movies",
            content=b"{not json",
            headers={**bearer(admin_token), "content-type": "application/json"},
        ),
        api.http.post("/api/movies", json=[1, 2], headers=bearer(admin_token)),
        api.http.get("/api/movies/" + "x" * 500, headers=bearer(admin_token)),
        api.sign_in(api.admin_email, "wrong password"),
    ]
    for r in answers:
        assert 400 <= r.status_code < 500, r.text
        text = r.text.lower()
        for leak in (
            "traceback",
            "select ",
            "sqlalchemy",
            "asyncpg",
            "sqlite",
            api.admin_key.lower(),
            'file "',
        ):
            assert leak not in text, (leak, r.text)
        assert set(r.json()) >= {"statusCode", "error", "message"}
