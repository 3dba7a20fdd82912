"""Proving an email: the sign-up mail, its single-use link, resend, and taken addresses
(SECURITY.md rows 42, 43 and 46)."""

from __future__ import annotations

import httpx

from cinepass.mail.letters import LetterKind
from tests.accounts.conftest import (
    PASSWORD,
    VERIFY_PAGE,
    link_token,
    mailed_token,
    unique_email,
    verify,
)
from tests.mail_inbox import Inbox
from tests.support import Api, bearer

VERIFY = LetterKind.VERIFY_EMAIL


def me(api: Api, token: str) -> dict[str, object]:
    r = api.http.get("/api/auth/me", headers=bearer(token))
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()["data"]
    return data


def test_sign_up_mails_a_link_that_proves_the_address(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    token = api.token(email, PASSWORD)
    assert me(api, token)["emailVerified"] is False

    r = verify(api, mailed_token(inbox, email, VERIFY))

    assert r.status_code == 200, r.text
    assert r.json()["user"]["emailVerified"] is True
    assert "token" not in r.json(), "no key, no sign-in"
    assert me(api, token)["emailVerified"] is True


def test_a_spanish_account_gets_its_link_and_proves_its_address(api: Api, inbox: Inbox) -> None:
    email = unique_email("íñigo.ñandú", "correo.es")
    api.sign_up(email, password="contraseña-ñandú-🎬", name="Íñigo Muñoz 🎬")

    mail = inbox.wait_for(email, VERIFY)
    assert "Íñigo Muñoz 🎬" in mail.text
    r = verify(api, link_token(mail.link(VERIFY_PAGE), VERIFY_PAGE))

    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == email
    assert api.sign_in(email, "contraseña-ñandú-🎬").status_code == 200


def test_the_link_signs_in_a_client_whose_key_may_sign_in(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)

    r = verify(
        api,
        mailed_token(inbox, email, VERIFY),
        apiKeyToken=api.public_key,
        rememberMe=True,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["refreshToken"]
    assert body["expiresIn"] > 0
    assert me(api, body["token"]) == {**body["user"], "emailVerified": True}


def test_a_link_works_once(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    token = mailed_token(inbox, email, VERIFY)

    assert verify(api, token).status_code == 200
    again = verify(api, token, apiKeyToken=api.public_key)

    assert again.status_code == 400
    assert "expired or was already used" in again.json()["message"]


def test_an_expired_link_is_refused(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    user_id = api.sign_up(email)
    token = mailed_token(inbox, email, VERIFY)
    api.db.query(
        "UPDATE account_tokens SET expires_at = created_at WHERE user_id = :id", id=user_id
    )

    assert verify(api, token).status_code == 400
    assert me(api, api.token(email, PASSWORD))["emailVerified"] is False


def test_made_up_and_malformed_tokens_are_refused(api: Api) -> None:
    for token in ["cpa_" + "A" * 43, "nonsense", "cpa_" + "ñ" * 40, "x" * 256]:
        r = verify(api, token)
        assert r.status_code == 400, (token, r.text)
        assert r.json()["statusCode"] == 400


def test_only_a_digest_of_the_token_is_stored(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    user_id = api.sign_up(email)
    token = mailed_token(inbox, email, VERIFY)

    rows = api.db.query("SELECT * FROM account_tokens WHERE user_id = :id", id=user_id)
    assert rows
    assert not any(token in str(value) for row in rows for value in row)
    secret = token.removeprefix("cpa_")
    assert len(secret) >= 22, "at least 128 random bits"


def test_resend_answers_the_same_for_any_address_and_mails_only_an_unverified_account(
    api: Api, inbox: Inbox
) -> None:
    waiting, proved, unknown = unique_email(), unique_email(), unique_email()
    api.sign_up(waiting)
    api.sign_up(proved)
    assert verify(api, mailed_token(inbox, proved, VERIFY)).status_code == 200
    first = mailed_token(inbox, waiting, VERIFY)

    answers = [
        api.http.post(
            "/api/auth/verify-email/resend", json={"email": e, "apiKeyToken": api.public_key}
        )
        for e in (waiting, proved, unknown)
    ]

    assert {(r.status_code, r.text) for r in answers} == {(answers[0].status_code, answers[0].text)}
    assert answers[0].status_code == 202
    second = mailed_token(inbox, waiting, VERIFY)
    assert second != first
    inbox.none_for(proved, within=1.0)
    inbox.none_for(unknown, within=0.1)
    assert verify(api, second).status_code == 200


def test_resend_needs_a_client_key(api: Api) -> None:
    r = api.http.post("/api/auth/verify-email/resend", json={"email": unique_email()})
    assert r.status_code == 401


def test_sign_up_with_a_taken_address_is_409_and_mails_its_owner(api: Api, inbox: Inbox) -> None:
    email = unique_email()
    api.sign_up(email)
    inbox.wait_for(email, VERIFY)

    r = api.http.post(
        "/api/auth/sign-up",
        json={
            "name": "Mallory",
            "email": email.upper(),
            "password": "another long password",
            "apiKeyToken": api.public_key,
        },
    )

    assert r.status_code == 409
    notice = inbox.wait_for(email, LetterKind.ACCOUNT_EXISTS)
    assert "/sign-in" in notice.text
    assert "Mallory" not in notice.text


def test_changing_the_address_voids_a_pending_link(api: Api, inbox: Inbox) -> None:
    email, moved = unique_email(), unique_email()
    api.sign_up(email)
    pending = mailed_token(inbox, email, VERIFY)
    token = api.token(email, PASSWORD)
    r = api.http.post(
        "/api/auth/email", json={"email": moved, "password": PASSWORD}, headers=bearer(token)
    )
    assert r.status_code == 202, r.text
    assert verify(api, mailed_token(inbox, moved, LetterKind.CHANGE_EMAIL)).status_code == 200

    assert verify(api, pending).status_code == 400


def test_resent_links_are_limited_per_account_without_telling(
    api: Api, limited_api: httpx.Client, inbox: Inbox
) -> None:
    email = unique_email()
    api.sign_up(email)
    mailed_token(inbox, email, VERIFY)

    answers = {
        limited_api.post(
            "/api/auth/verify-email/resend", json={"email": email, "apiKeyToken": api.public_key}
        ).text
        for _ in range(5)
    }

    assert len(answers) == 1
    for _ in range(3):
        mailed_token(inbox, email, VERIFY)
    inbox.none_for(email, within=1.0)
