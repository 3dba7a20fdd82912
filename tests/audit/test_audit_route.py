"""GET /api/admin/audit: the admin role's, newest first, keyset-paged like the movies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cinepass import scopes
from tests.audit.conftest import email, trail
from tests.support import Api, bearer

PASSWORD = "contraseña ñandú 🎬"


def test_pages_follow_next_newest_first_without_repeats(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    for _ in range(4):
        api.sign_in(address, PASSWORD)
    token = api.admin_token()
    seen: list[dict[str, object]] = []
    params: dict[str, object] = {"user": user_id, "limit": 2}
    while True:
        r = api.http.get("/api/admin/audit", params=params, headers=bearer(token))
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["data"]) <= 2
        seen.extend(body["data"])
        if body["next"] is None:
            break
        params["cursor"] = body["next"]
    assert [e["id"] for e in seen] == [e["id"] for e in trail(api, user=user_id)]
    assert len({e["id"] for e in seen}) == len(seen) == 5  # sign-up and four sign-ins
    moments = [str(e["at"]) for e in seen]
    assert moments == sorted(moments, reverse=True)


def test_filters_by_email_action_and_time(api: Api) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    api.sign_in(address, PASSWORD)
    api.sign_in(address, "no es la contraseña")
    by_email = trail(api, user=address.upper())
    assert {e["action"] for e in by_email} == {
        "account.signed_up",
        "auth.sign_in",
        "auth.sign_in_failed",
    }
    assert [e["action"] for e in trail(api, user=user_id, action="auth.sign_in")] == [
        "auth.sign_in"
    ]
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert trail(api, user=user_id, since=future) == []
    assert trail(api, user="nadie@correo.es") == []


def test_a_user_role_token_is_refused_even_with_a_key_holding_read_audit(
    api: Api, make_key
) -> None:  # type: ignore[no-untyped-def]
    key = make_key([scopes.SIGNIN, scopes.READ_AUDIT])
    address = email()
    api.sign_up(address, PASSWORD)
    token = api.token(address, PASSWORD, key=key)
    r = api.http.get("/api/admin/audit", headers=bearer(token))
    assert r.status_code == 403, r.text


def test_a_made_up_cursor_action_or_time_is_refused(api: Api) -> None:
    token = api.admin_token()
    r = api.http.get("/api/admin/audit", params={"cursor": "bm9wZQ"}, headers=bearer(token))
    assert r.status_code == 400
    r = api.http.get("/api/admin/audit", params={"action": "nada"}, headers=bearer(token))
    assert r.status_code == 400  # the API answers 400 for every invalid query
    for since in ("0.5", "2026-12-05", "2026-12-05T09:30:00"):
        r = api.http.get("/api/admin/audit", params={"since": since}, headers=bearer(token))
        assert r.status_code == 400, since
