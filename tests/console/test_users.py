"""/api/admin/users: search, disable, enable, role; never oneself, only after a fresh sign-in."""

from __future__ import annotations

import uuid

from tests.console.conftest import alive, person, refreshes, step_up_refused
from tests.support import Api, bearer, eventually


def search(api: Api, token: str, **params: object) -> dict[str, object]:
    r = api.http.get("/api/admin/users", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_search_finds_spanish_names_whatever_their_case_and_accents(
    api: Api, admin_token: str
) -> None:
    marker = uuid.uuid4().hex[:8]
    jose = person(api, name=f"José Ñandú {marker}")
    person(api, name=f"Someone else {marker}")

    for q in (f"josé ñandú {marker}", f"JOSE NANDU {marker}", f"ñandú {marker}", "Ñandú"):
        found = search(api, admin_token, q=q, limit=100)["data"]
        assert isinstance(found, list)
        assert jose.id in [u["id"] for u in found], q
    [listed] = [u for u in search(api, admin_token, q=marker)["data"] if u["id"] == jose.id]  # type: ignore[union-attr]
    assert listed == {
        "id": jose.id,
        "email": jose.email,
        "name": f"José Ñandú {marker}",
        "role": "user",
        "disabled": False,
        "emailVerified": False,
        "createdAt": listed["createdAt"],
        "secondFactor": False,
        "passkeys": 0,
    }
    by_email = search(api, admin_token, q=jose.email.upper())["data"]
    assert [u["id"] for u in by_email] == [jose.id]  # type: ignore[union-attr]


def test_search_pages_follow_next_in_email_order(api: Api, admin_token: str) -> None:
    marker = uuid.uuid4().hex[:8]
    made = {person(api, name=f"Página {marker} {i}").id for i in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"q": f"pagina {marker}", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = search(api, admin_token, **params)
        seen += [u["id"] for u in page["data"]]  # type: ignore[union-attr]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == 5
    bad = api.http.get("/api/admin/users", params={"cursor": "%%"}, headers=bearer(admin_token))
    assert bad.status_code == 400


def test_disabling_a_user_ends_their_sessions_and_enabling_lets_them_sign_in(
    api: Api, admin_token: str
) -> None:
    who = person(api)
    r = api.http.patch(
        f"/api/admin/users/{who.id}", json={"disabled": True}, headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["disabled"] is True
    assert not refreshes(api, who)
    eventually(lambda: not alive(api, who.token))
    assert api.sign_in(who.email, "correct horse battery").status_code != 200

    r = api.http.patch(
        f"/api/admin/users/{who.id}", json={"disabled": False}, headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text
    assert api.sign_in(who.email, "correct horse battery").status_code == 200


def test_a_promoted_user_signs_in_again_to_get_the_admin_scopes(api: Api, admin_token: str) -> None:
    who = person(api)
    r = api.http.patch(
        f"/api/admin/users/{who.id}", json={"role": "admin"}, headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["role"] == "admin"
    # Its old tokens carry the user role's scopes: they end.
    assert not refreshes(api, who)
    token = api.token(who.email, "correct horse battery", key=api.admin_key)
    assert api.http.get("/api/admin/users", headers=bearer(token)).status_code == 200

    r = api.http.patch(
        f"/api/admin/users/{who.id}", json={"role": "user"}, headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text
    eventually(lambda: not alive(api, token))


def test_an_admin_cannot_disable_or_demote_themselves(api: Api, admin_token: str) -> None:
    me = api.http.get("/api/auth/me", headers=bearer(admin_token)).json()["data"]["id"]
    for change in ({"disabled": True}, {"role": "user"}, {"role": "user", "disabled": True}):
        r = api.http.patch(f"/api/admin/users/{me}", json=change, headers=bearer(admin_token))
        assert r.status_code == 409, r.text
        assert "yourself" in r.json()["message"]
    assert alive(api, admin_token)
    # Changing nothing of consequence is no refusal.
    r = api.http.patch(
        f"/api/admin/users/{me}", json={"role": "admin"}, headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text


def test_changes_need_a_recent_sign_in(api: Api, stale_admin_token: str) -> None:
    who = person(api)
    r = api.http.patch(
        f"/api/admin/users/{who.id}", json={"disabled": True}, headers=bearer(stale_admin_token)
    )
    assert step_up_refused(r), r.text
    assert refreshes(api, who)
    # Reading needs no step-up.
    assert api.http.get("/api/admin/users", headers=bearer(stale_admin_token)).status_code == 200


def test_unknown_users_and_empty_changes(api: Api, admin_token: str) -> None:
    r = api.http.patch(
        "/api/admin/users/nobody", json={"disabled": True}, headers=bearer(admin_token)
    )
    assert r.status_code == 404
    who = person(api)
    for body in (
        {},
        {"disabled": None},
        {"role": "owner"},
        {"disabled": "yes"},
        {"email": "x@y.z"},
    ):
        r = api.http.patch(f"/api/admin/users/{who.id}", json=body, headers=bearer(admin_token))
        assert r.status_code == 400, (body, r.text)
