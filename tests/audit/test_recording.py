"""Each security-relevant change leaves one audit row: who, what, on what, from where, and
the request id the API answered with."""

from __future__ import annotations

import structlog
import structlog.testing

from tests.audit.conftest import AGENT, email, one, trail
from tests.support import Api, bearer

PASSWORD = "contraseña ñandú 🎬"


def sign_in(api: Api, address: str, password: str = PASSWORD, key: str | None = None):  # type: ignore[no-untyped-def]
    return api.http.post(
        "/api/auth/sign-in",
        auth=(address, password),
        json={"apiKeyToken": key or api.public_key},
        headers={"User-Agent": AGENT},
    )


def test_a_sign_in_is_recorded_with_actor_target_address_agent_and_request_id(
    api: Api,
) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    r = sign_in(api, address)
    assert r.status_code == 200, r.text
    event = one(api, "auth.sign_in", user=user_id)
    assert event["actorUserId"] == user_id
    assert event["actorApiKeyId"] is not None
    assert (event["targetType"], event["targetId"]) == ("user", user_id)
    assert event["outcome"] == "success"
    assert event["address"] == "127.0.0.1"
    assert event["userAgent"] == AGENT
    assert event["requestId"] == r.headers["x-request-id"]


def test_a_wrong_password_is_recorded_as_a_failure_with_its_reason(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    r = sign_in(api, address, "not the password")
    assert r.status_code == 401
    event = one(api, "auth.sign_in_failed", user=user_id)
    assert (event["outcome"], event["reason"]) == ("failure", "wrong_password")
    assert event["requestId"] == r.headers["x-request-id"]
    assert event["userAgent"] == AGENT
    unknown = email()
    r = sign_in(api, unknown)
    events = [e for e in trail(api, action="auth.sign_in_failed") if e["details"].get("account")]
    mine = next(e for e in events if e["requestId"] == r.headers["x-request-id"])
    assert mine["reason"] == "unknown_account"
    assert mine["details"]["account"] == unknown


def test_a_caller_can_fix_the_request_id_the_trail_records(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    r = api.http.post(
        "/api/auth/sign-in",
        auth=(address, PASSWORD),
        json={"apiKeyToken": api.public_key},
        headers={"X-Request-ID": "peticion-de-prueba-0001"},
    )
    assert r.status_code == 200
    assert one(api, "auth.sign_in", user=user_id)["requestId"] == "peticion-de-prueba-0001"


def test_refresh_and_refresh_token_reuse_are_recorded_and_reuse_is_a_warning(
    api: Api,
) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    first = sign_in(api, address).json()["refreshToken"]
    body = {"refreshToken": first, "apiKeyToken": api.public_key}
    rotated = api.http.post("/api/auth/refresh", json=body)
    assert rotated.status_code == 200, rotated.text
    refreshed = one(api, "auth.refresh", user=user_id)
    assert refreshed["requestId"] == rotated.headers["x-request-id"]
    with structlog.testing.capture_logs() as logged:
        reused = api.http.post("/api/auth/refresh", json=body)
    assert reused.status_code == 401
    reuse = one(api, "auth.refresh_reuse")
    assert reuse["requestId"] == reused.headers["x-request-id"]
    assert (reuse["outcome"], reuse["reason"]) == ("failure", "refresh_token_reused")
    assert reuse["details"] == {"userId": user_id}
    warnings = [e for e in logged if e["log_level"] == "warning"]
    assert any(w.get("request_id") == reused.headers["x-request-id"] for w in warnings), logged


def test_sign_out_and_password_change_are_recorded(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    token = sign_in(api, address).json()["token"]
    r = api.http.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "otra contraseña más larga ñ"},
        headers={**bearer(token), "User-Agent": AGENT},
    )
    assert r.status_code in (200, 204), r.text
    changed = one(api, "account.password_changed", user=user_id)
    assert changed["actorUserId"] == user_id
    assert changed["requestId"] == r.headers["x-request-id"]
    token = api.token(address, "otra contraseña más larga ñ")
    r = api.http.post("/api/auth/sign-out", headers=bearer(token))
    assert r.status_code in (200, 204), r.text
    signed_out = one(api, "auth.sign_out", user=user_id)
    assert signed_out["targetType"] == "session"


def test_a_wrong_current_password_is_a_recorded_failure(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    token = sign_in(api, address).json()["token"]
    r = api.http.post(
        "/api/auth/password",
        json={"currentPassword": "no es la buena", "newPassword": "otra contraseña más larga ñ"},
        headers=bearer(token),
    )
    assert r.status_code == 400
    event = one(api, "auth.sign_in_failed", user=user_id)
    assert event["reason"] == "wrong_current_password"
    assert event["actorUserId"] == user_id


def test_movie_changes_are_recorded_with_the_admin_as_actor(api: Api) -> None:
    token = api.admin_token()
    movie_id = api.create_movie(token, title="El espíritu de la colmena")
    api.http.put(f"/api/movies/{movie_id}", json={"year": 1973}, headers=bearer(token))
    r = api.http.delete(f"/api/movies/{movie_id}", headers=bearer(token))
    assert r.status_code == 200
    admin_id = one(api, "movie.created")["actorUserId"]
    assert admin_id is not None
    for action in ("movie.created", "movie.updated", "movie.deleted"):
        events = [e for e in trail(api, action=action) if e["targetId"] == movie_id]
        assert len(events) == 1, action
        assert events[0]["actorUserId"] == admin_id
        assert events[0]["targetType"] == "movie"
    deleted = next(e for e in trail(api, action="movie.deleted") if e["targetId"] == movie_id)
    assert deleted["requestId"] == r.headers["x-request-id"]


def test_a_change_that_fails_leaves_no_row(api: Api) -> None:
    token = api.admin_token()
    before = len(trail(api, action="movie.deleted"))
    r = api.http.delete("/api/movies/" + "0" * 32, headers=bearer(token))
    assert r.status_code == 404
    assert len(trail(api, action="movie.deleted")) == before
