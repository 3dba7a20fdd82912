"""Every admin console route refuses a user-role token, even one signed in with the admin key."""

from __future__ import annotations

import pytest

from tests.console.conftest import PASSWORD, person
from tests.support import Api, bearer

ADMIN_ROUTES = [
    ("GET", "/api/admin/users", None),
    ("PATCH", "/api/admin/users/{user}", {"disabled": True}),
    ("GET", "/api/admin/users/{user}/sessions", None),
    ("DELETE", "/api/admin/users/{user}/sessions", None),
    ("DELETE", "/api/admin/users/{user}/sessions/{session}", None),
    ("GET", "/api/admin/api-keys", None),
    ("POST", "/api/admin/api-keys", {"name": "Mía", "preset": "admin"}),
    ("DELETE", "/api/admin/api-keys/{key}", None),
    ("POST", "/api/admin/movies/import", []),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_a_user_role_token_gets_403_and_changes_nothing(
    api: Api, admin_token: str, method: str, path: str, body: object
) -> None:
    victim = person(api)
    session = api._claims(victim.token)["sid"]
    key = api._claims(admin_token)["client_id"]
    intruder = person(api, local="intruder")
    # The admin key holds every scope; the user role grants none of the admin's.
    token = api.token(intruder.email, PASSWORD, key=api.admin_key)

    r = api.http.request(
        method,
        path.format(user=victim.id, session=session, key=key),
        json=body,
        headers=bearer(token),
    )

    assert r.status_code == 403, r.text
    assert "insufficient_scope" in r.json()["message"]
    assert api.http.get("/api/auth/me", headers=bearer(victim.token)).status_code == 200
    assert api.http.get("/api/auth/me", headers=bearer(admin_token)).status_code == 200
