"""The account's sessions: listed with their devices, ended one by one or all at once."""

from __future__ import annotations

import httpx

from tests.accounts.conftest import PASSWORD, unique_email
from tests.support import Api, bearer, eventually

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def sign_in_as(api: Api, email: str, user_agent: str) -> dict[str, str]:
    r = api.http.post(
        "/api/auth/sign-in",
        auth=(email, PASSWORD),
        json={"apiKeyToken": api.public_key},
        headers={"User-Agent": user_agent},
    )
    assert r.status_code == 200, r.text
    body: dict[str, str] = r.json()
    return body


def sessions(api: Api, token: str) -> list[dict[str, object]]:
    r = api.http.get("/api/auth/sessions", headers=bearer(token))
    assert r.status_code == 200, r.text
    found: list[dict[str, object]] = r.json()["data"]
    return found


def alive(api: Api, token: str) -> bool:
    return api.http.get("/api/auth/me", headers=bearer(token)).status_code == 200


def test_sessions_are_listed_with_their_devices_and_this_one_marked(api: Api) -> None:
    email = unique_email()
    api.sign_up(email)
    laptop = sign_in_as(api, email, CHROME_LINUX)
    phone = sign_in_as(api, email, SAFARI_IPHONE)

    listed = sessions(api, phone["token"])

    assert [s["device"] for s in listed] == ["Mobile Safari on iOS", "Chrome on Linux"]
    assert [s["current"] for s in listed] == [True, False]
    assert all(s["createdAt"] and s["lastUsedAt"] and s["expiresAt"] for s in listed)
    assert [s["current"] for s in sessions(api, laptop["token"])] == [False, True]


def test_ending_another_session_signs_that_device_out(api: Api) -> None:
    email = unique_email()
    api.sign_up(email)
    laptop = sign_in_as(api, email, CHROME_LINUX)
    phone = sign_in_as(api, email, SAFARI_IPHONE)
    laptop_id = next(s["id"] for s in sessions(api, phone["token"]) if not s["current"])

    r = api.http.delete(f"/api/auth/sessions/{laptop_id}", headers=bearer(phone["token"]))

    assert r.status_code == 200, r.text
    eventually(lambda: not alive(api, laptop["token"]))
    refresh = api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": laptop["refreshToken"], "apiKeyToken": api.public_key},
    )
    assert refresh.status_code == 401
    assert alive(api, phone["token"])
    assert [s["id"] for s in sessions(api, phone["token"])] != [laptop_id]


def test_another_users_session_cannot_be_ended(api: Api) -> None:
    mine, theirs = unique_email(), unique_email()
    api.sign_up(mine)
    api.sign_up(theirs)
    me = sign_in_as(api, mine, CHROME_LINUX)
    them = sign_in_as(api, theirs, CHROME_LINUX)
    their_id = sessions(api, them["token"])[0]["id"]

    for target in (their_id, "0" * 32, "ñandú"):
        r = api.http.delete(f"/api/auth/sessions/{target}", headers=bearer(me["token"]))
        assert r.status_code in (400, 404), (target, r.text)
        assert r.json()["statusCode"] == r.status_code
    assert alive(api, them["token"])


def test_sign_out_everywhere_ends_every_session(api: Api) -> None:
    email = unique_email()
    api.sign_up(email)
    laptop = sign_in_as(api, email, CHROME_LINUX)
    phone = sign_in_as(api, email, SAFARI_IPHONE)

    r = api.http.post("/api/auth/sign-out-everywhere", headers=bearer(phone["token"]))

    assert r.status_code == 200, r.text
    eventually(lambda: not alive(api, laptop["token"]) and not alive(api, phone["token"]))
    for old in (laptop, phone):
        refresh = api.http.post(
            "/api/auth/refresh",
            json={"refreshToken": old["refreshToken"], "apiKeyToken": api.public_key},
        )
        assert refresh.status_code == 401
    fresh = sign_in_as(api, email, CHROME_LINUX)
    assert [s["current"] for s in sessions(api, fresh["token"])] == [True]


def test_a_client_without_a_user_agent_is_an_unknown_device(api: Api) -> None:
    email = unique_email()
    api.sign_up(email)
    with httpx.Client(base_url=str(api.http.base_url), headers={"User-Agent": ""}) as bare:
        r = bare.post(
            "/api/auth/sign-in", auth=(email, PASSWORD), json={"apiKeyToken": api.public_key}
        )
    assert r.status_code == 200

    assert sessions(api, r.json()["token"])[0]["device"] == "Unknown device"
