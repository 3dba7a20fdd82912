"""Password reset: the same answer for every address, a single-use 15-minute link, and a reset
that ends every session (SECURITY.md rows 42, 43, 44 and 46)."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta

import httpx

from cinepass.api import create_app
from cinepass.mail.letters import LetterKind
from tests.accounts.conftest import (
    PASSWORD,
    confirm_reset,
    mailed_token,
    request_reset,
    unique_email,
    verify,
)
from tests.conftest import make_settings
from tests.mail_inbox import Inbox
from tests.support import Api, LiveServer, bearer, eventually

RESET = LetterKind.PASSWORD_RESET


def moment(value: datetime | str) -> datetime:
    """A stored time as read back: PostgreSQL gives datetimes, SQLite text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


NEW_PASSWORD = "una contraseña nueva 🎬"


def test_a_reset_link_sets_a_new_password_and_signs_in(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)

    assert request_reset(api.http, api, email).status_code == 202
    r = confirm_reset(api, mailed_token(inbox, email, RESET), NEW_PASSWORD)

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["email"] == email
    assert body["refreshToken"]
    assert api.http.get("/api/auth/me", headers=bearer(body["token"])).status_code == 200
    assert api.sign_in(email, PASSWORD).status_code == 401
    assert api.sign_in(email, NEW_PASSWORD).status_code == 200
    notice = inbox.wait_for(email, LetterKind.PASSWORD_CHANGED)
    assert NEW_PASSWORD not in notice.text


def test_known_and_unknown_addresses_get_the_same_answer_and_only_a_known_one_a_mail(
    api: Api, inbox: Inbox
) -> None:
    known, unknown = unique_email(), unique_email()
    api.sign_up(known)

    answers = [request_reset(api.http, api, e) for e in (known, unknown)]

    assert answers[0].status_code == answers[1].status_code == 202
    assert answers[0].content == answers[1].content
    assert {k for k in answers[0].headers if k != "date"} == {
        k for k in answers[1].headers if k != "date"
    }
    mailed_token(inbox, known, RESET)
    inbox.none_for(unknown, within=1.0)


def test_known_and_unknown_addresses_take_the_same_time(api: Api) -> None:
    """The mail is prepared after the answer: what the answer costs does not depend on the
    account. Medians of interleaved requests, with a margin far below a database write."""
    known = unique_email()
    api.sign_up(known)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(24):
        for kind, email in (("known", known), ("unknown", f"nobody-{i}-{known}")):
            start = time.perf_counter()
            assert request_reset(api.http, api, email).status_code == 202
            timings[kind].append(time.perf_counter() - start)
    known_ms = statistics.median(timings["known"]) * 1000
    unknown_ms = statistics.median(timings["unknown"]) * 1000

    assert abs(known_ms - unknown_ms) < max(15.0, 0.5 * min(known_ms, unknown_ms)), timings


def test_a_reset_link_works_once(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    request_reset(api.http, api, email)
    token = mailed_token(inbox, email, RESET)

    assert confirm_reset(api, token, NEW_PASSWORD).status_code == 200
    again = confirm_reset(api, token, "yet another password")

    assert again.status_code == 400
    assert api.sign_in(email, NEW_PASSWORD).status_code == 200


def test_a_reset_link_expires(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    user_id = api.sign_up(email)
    request_reset(api.http, api, email)
    token = mailed_token(inbox, email, RESET)
    ((created, expires),) = api.db.query(
        "SELECT created_at, expires_at FROM account_tokens"
        " WHERE user_id = :id AND purpose = 'reset_password'",
        id=user_id,
    )
    assert moment(expires) - moment(created) == timedelta(minutes=15)
    api.db.query(
        "UPDATE account_tokens SET expires_at = created_at WHERE user_id = :id", id=user_id
    )

    assert confirm_reset(api, token, NEW_PASSWORD).status_code == 400
    assert api.sign_in(email, PASSWORD).status_code == 200


def test_a_password_change_voids_a_pending_reset_link_and_mails_a_notice(
    api: Api, inbox: Inbox
) -> None:
    email = unique_email()
    api.sign_up(email)
    request_reset(api.http, api, email)
    token = mailed_token(inbox, email, RESET)
    changed = api.http.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers=bearer(api.token(email, PASSWORD)),
    )
    assert changed.status_code == 200, changed.text

    assert confirm_reset(api, token, "what the thief wanted").status_code == 400
    assert api.sign_in(email, NEW_PASSWORD).status_code == 200
    notice = inbox.wait_for(email, LetterKind.PASSWORD_CHANGED)
    assert "/forgot-password" in notice.text


def test_a_weak_password_is_refused_and_the_link_still_works(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    request_reset(api.http, api, email)
    token = mailed_token(inbox, email, RESET)

    weak = confirm_reset(api, token, "password")

    assert weak.status_code == 400
    assert [d["field"] for d in weak.json()["details"]] == ["body.password"]
    assert confirm_reset(api, token, NEW_PASSWORD).status_code == 200


def test_a_reset_ends_every_session_and_access_token(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    before = api.sign_in(email, PASSWORD).json()
    request_reset(api.http, api, email)

    assert confirm_reset(api, mailed_token(inbox, email, RESET), NEW_PASSWORD).status_code == 200

    eventually(
        lambda: api.http.get("/api/auth/me", headers=bearer(before["token"])).status_code == 401
    )
    refreshed = api.http.post(
        "/api/auth/refresh",
        json={"refreshToken": before["refreshToken"], "apiKeyToken": api.public_key},
    )
    assert refreshed.status_code == 401


def test_a_reset_proves_the_address(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    request_reset(api.http, api, email)

    r = confirm_reset(api, mailed_token(inbox, email, RESET), NEW_PASSWORD)

    me = api.http.get("/api/auth/me", headers=bearer(r.json()["token"]))
    assert me.json()["data"]["emailVerified"] is True


def test_the_owner_recovers_an_address_someone_else_signed_up_with(api: Api, inbox: Inbox) -> None:
    """A squatter signs up with the owner's address and never proves it; the owner resets the
    password through the mail only they read, and the squatter is out."""
    email = unique_email("dueña")
    api.sign_up(email, password="the squatter's password", name="Squatter")
    squatter = api.sign_in(email, "the squatter's password").json()
    request_reset(api.http, api, email)

    owner = confirm_reset(api, mailed_token(inbox, email, RESET), NEW_PASSWORD)

    assert owner.status_code == 200
    me = api.http.get("/api/auth/me", headers=bearer(owner.json()["token"]))
    assert me.json()["data"]["emailVerified"] is True
    assert api.sign_in(email, "the squatter's password").status_code == 401
    eventually(
        lambda: api.http.get("/api/auth/me", headers=bearer(squatter["token"])).status_code == 401
    )


def test_a_verification_link_of_the_squatter_dies_with_the_reset(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    pending = mailed_token(inbox, email, LetterKind.VERIFY_EMAIL)
    request_reset(api.http, api, email)
    confirm_reset(api, mailed_token(inbox, email, RESET), NEW_PASSWORD)

    assert verify(api, pending).status_code == 400


def test_reset_requests_are_limited_per_client_address(api: Api) -> None:
    limits = {"account_mail_per_address": "3 per hour"}
    with (
        LiveServer(create_app(make_settings(api.db.url, limits=limits))) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        answers = [request_reset(http, api, unique_email()).status_code for _ in range(4)]

    assert answers == [202, 202, 202, 429]


def test_reset_mails_are_limited_per_account_without_telling(
    api: Api, limited_api: httpx.Client, inbox: Inbox
) -> None:
    email = unique_email()
    api.sign_up(email)
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)

    answers = {request_reset(limited_api, api, email).text for _ in range(5)}

    assert len(answers) == 1
    for _ in range(3):
        mailed_token(inbox, email, RESET)
    inbox.none_for(email, within=1.0)


def test_a_reset_needs_a_key_that_may_sign_in(api: Api, make_key) -> None:  # type: ignore[no-untyped-def]
    key = make_key(["read:movies"])
    r = api.http.post(
        "/api/auth/password-reset", json={"email": unique_email(), "apiKeyToken": key}
    )
    assert r.status_code == 403


def test_a_link_serves_only_its_own_purpose(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    verification = mailed_token(inbox, email, LetterKind.VERIFY_EMAIL)
    request_reset(api.http, api, email)
    reset = mailed_token(inbox, email, RESET)

    assert confirm_reset(api, verification, NEW_PASSWORD).status_code == 400
    assert verify(api, reset).status_code == 400
    assert confirm_reset(api, reset, NEW_PASSWORD).status_code == 200
