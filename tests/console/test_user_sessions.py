"""/api/admin/users/{id}/sessions: an admin sees a user's sessions and ends one or all of them."""

from __future__ import annotations

from tests.console.conftest import alive, person, refreshes, step_up_refused
from tests.support import Api, bearer, eventually

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def sessions(api: Api, token: str, user_id: str) -> list[dict[str, object]]:
    r = api.http.get(f"/api/admin/users/{user_id}/sessions", headers=bearer(token))
    assert r.status_code == 200, r.text
    found: list[dict[str, object]] = r.json()["data"]
    return found


def test_a_users_sessions_are_listed_with_their_devices(api: Api, admin_token: str) -> None:
    who = person(api)
    r = api.http.post(
        "/api/auth/sign-in",
        auth=(who.email, "correct horse battery"),
        json={"apiKeyToken": api.public_key},
        headers={"User-Agent": FIREFOX_WINDOWS},
    )
    assert r.status_code == 200, r.text

    listed = sessions(api, admin_token, who.id)

    assert len(listed) == 2
    assert listed[0]["device"] == "Firefox on Windows"
    assert all(s["createdAt"] and s["lastUsedAt"] and s["expiresAt"] for s in listed)
    assert not any(s["current"] for s in listed)
    assert (
        api.http.get("/api/admin/users/nobody/sessions", headers=bearer(admin_token)).status_code
        == 404
    )


def test_ending_one_session_signs_that_device_out_only(api: Api, admin_token: str) -> None:
    who = person(api)
    other = api.sign_in(who.email, "correct horse battery").json()
    [first, second] = sessions(api, admin_token, who.id)
    ended = next(s for s in (first, second) if s["id"] != api._claims(other["token"])["sid"])

    r = api.http.delete(
        f"/api/admin/users/{who.id}/sessions/{ended['id']}", headers=bearer(admin_token)
    )
    assert r.status_code == 200, r.text

    assert not refreshes(api, who)
    eventually(lambda: not alive(api, who.token))
    assert alive(api, other["token"])
    assert [s["id"] for s in sessions(api, admin_token, who.id)] != [ended["id"]]
    again = api.http.delete(
        f"/api/admin/users/{who.id}/sessions/{ended['id']}", headers=bearer(admin_token)
    )
    assert again.status_code == 404
    # Another user's session is not this user's.
    stranger = person(api)
    r = api.http.delete(
        f"/api/admin/users/{stranger.id}/sessions/{sessions(api, admin_token, who.id)[0]['id']}",
        headers=bearer(admin_token),
    )
    assert r.status_code == 404


def test_ending_every_session_signs_the_user_out_everywhere(api: Api, admin_token: str) -> None:
    who = person(api)
    other = api.sign_in(who.email, "correct horse battery").json()

    r = api.http.delete(f"/api/admin/users/{who.id}/sessions", headers=bearer(admin_token))
    assert r.status_code == 200, r.text

    assert not refreshes(api, who)
    eventually(lambda: not alive(api, who.token) and not alive(api, other["token"]))
    assert sessions(api, admin_token, who.id) == []
    # Signing in again works: the account is not disabled.
    assert api.sign_in(who.email, "correct horse battery").status_code == 200


def test_ending_sessions_needs_a_recent_sign_in(api: Api, stale_admin_token: str) -> None:
    who = person(api)
    [session] = sessions(api, stale_admin_token, who.id)
    assert step_up_refused(
        api.http.delete(f"/api/admin/users/{who.id}/sessions", headers=bearer(stale_admin_token))
    )
    assert step_up_refused(
        api.http.delete(
            f"/api/admin/users/{who.id}/sessions/{session['id']}",
            headers=bearer(stale_admin_token),
        )
    )
    assert refreshes(api, who)
