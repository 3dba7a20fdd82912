"""/api/admin/api-keys: listed without secrets, created with the secret shown once, revoked."""

from __future__ import annotations

import uuid

from tests.console.conftest import alive, step_up_refused
from tests.support import Api, bearer, eventually


def keys(api: Api, token: str) -> list[dict[str, object]]:
    r = api.http.get("/api/admin/api-keys", headers=bearer(token))
    assert r.status_code == 200, r.text
    found: list[dict[str, object]] = r.json()["data"]
    return found


def create(api: Api, token: str, **body: object) -> dict[str, object]:
    r = api.http.post("/api/admin/api-keys", json=body, headers=bearer(token))
    assert r.status_code == 201, r.text
    data: dict[str, object] = r.json()["data"]
    return data


def test_a_new_keys_secret_is_shown_once_and_signs_in(api: Api, admin_token: str) -> None:
    name = f"Aplicación móvil {uuid.uuid4().hex[:6]}"
    created = create(api, admin_token, name=name, preset="public")
    secret = str(created["token"])
    assert secret.startswith("cpk_")
    assert created["name"] == name
    assert "read:movies" in created["scopes"]  # type: ignore[operator]
    assert "offline_access" not in created["scopes"]  # type: ignore[operator]

    listed = keys(api, admin_token)
    [mine] = [k for k in listed if k["id"] == created["id"]]
    assert "token" not in mine
    assert secret not in api.http.get("/api/admin/api-keys", headers=bearer(admin_token)).text
    assert secret.startswith(str(mine["prefix"]))
    assert mine["revokedAt"] is None

    token = api.token(api.admin_email, api.admin_password, key=secret)
    assert api.http.get("/api/movies", headers=bearer(token)).status_code == 200


def test_a_key_takes_scopes_or_a_preset_and_nothing_unknown(api: Api, admin_token: str) -> None:
    created = create(api, admin_token, name="Lector", scopes=["read:movies", "signin:auth"])
    assert created["scopes"] == ["signin:auth", "read:movies"]
    for body in (
        {"name": "Both", "scopes": ["read:movies"], "preset": "web"},
        {"name": "Neither"},
        {"name": "Unknown", "scopes": ["read:everything"]},
        {"name": "Bad preset", "preset": "root"},
        {"name": "", "preset": "web"},
        {"name": "Empty", "scopes": []},
    ):
        r = api.http.post("/api/admin/api-keys", json=body, headers=bearer(admin_token))
        assert r.status_code == 400, (body, r.text)


def test_revoking_a_key_ends_the_tokens_it_backs(api: Api, admin_token: str) -> None:
    secret = str(create(api, admin_token, name="Pronto revocada", preset="web")["token"])
    key_id = next(k["id"] for k in keys(api, admin_token) if secret.startswith(str(k["prefix"])))
    token = api.token(api.admin_email, api.admin_password, key=secret)

    r = api.http.delete(f"/api/admin/api-keys/{key_id}", headers=bearer(admin_token))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["revokedAt"]

    eventually(lambda: not alive(api, token))
    assert api.sign_in(api.admin_email, api.admin_password, key=secret).status_code == 401
    assert (
        api.http.delete("/api/admin/api-keys/nope", headers=bearer(admin_token)).status_code == 404
    )


def test_the_key_of_the_callers_own_token_is_not_revoked(api: Api, admin_token: str) -> None:
    own = api._claims(admin_token)["client_id"]
    r = api.http.delete(f"/api/admin/api-keys/{own}", headers=bearer(admin_token))
    assert r.status_code == 409, r.text
    assert "issued with this API key" in r.json()["message"]
    assert alive(api, admin_token)


def test_creating_and_revoking_need_a_recent_sign_in(
    api: Api, admin_token: str, stale_admin_token: str
) -> None:
    r = api.http.post(
        "/api/admin/api-keys",
        json={"name": "Tarde", "preset": "web"},
        headers=bearer(stale_admin_token),
    )
    assert step_up_refused(r), r.text
    key_id = create(api, admin_token, name="Sigue viva", preset="web")["id"]
    r = api.http.delete(f"/api/admin/api-keys/{key_id}", headers=bearer(stale_admin_token))
    assert step_up_refused(r), r.text
    [kept] = [k for k in keys(api, admin_token) if k["id"] == key_id]
    assert kept["revokedAt"] is None
