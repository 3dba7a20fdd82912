"""Changing the email: proved by the password, effective once the new address opens its link,
the old address told (SECURITY.md rows 42 and 46)."""

from __future__ import annotations

from cinepass.mail.letters import LetterKind
from tests.accounts.conftest import PASSWORD, mailed_token, unique_email, verify
from tests.mail_inbox import Inbox
from tests.support import Api, bearer


def test_the_email_changes_when_the_new_address_opens_its_link(api: Api, inbox: Inbox) -> None:
    old, new = unique_email(), unique_email("nueva.dirección", "correo.es")
    api.sign_up(old, name="Begoña")
    token = api.token(old, PASSWORD)

    r = api.http.post(
        "/api/auth/email", json={"email": new, "password": PASSWORD}, headers=bearer(token)
    )
    assert r.status_code == 202, r.text
    assert new in r.json()["message"]
    assert api.sign_in(new, PASSWORD).status_code == 401, "not before the link is opened"

    done = verify(api, mailed_token(inbox, new, LetterKind.CHANGE_EMAIL))

    assert done.status_code == 200, done.text
    assert done.json()["user"] == {
        "id": done.json()["user"]["id"],
        "name": "Begoña",
        "email": new,
        "emailVerified": True,
    }
    assert api.sign_in(new, PASSWORD).status_code == 200
    assert api.sign_in(old, PASSWORD).status_code == 401
    notice = inbox.wait_for(old, LetterKind.EMAIL_CHANGED_NOTICE)
    assert new in notice.text


def test_a_wrong_password_taken_or_same_address_is_refused(api: Api) -> None:
    email, other = unique_email(), unique_email()
    api.sign_up(email)
    api.sign_up(other)
    token = api.token(email, PASSWORD)

    wrong = api.http.post(
        "/api/auth/email",
        json={"email": unique_email(), "password": "not it"},
        headers=bearer(token),
    )
    taken = api.http.post(
        "/api/auth/email", json={"email": other, "password": PASSWORD}, headers=bearer(token)
    )
    same = api.http.post(
        "/api/auth/email",
        json={"email": email.upper(), "password": PASSWORD},
        headers=bearer(token),
    )
    bad = api.http.post(
        "/api/auth/email",
        json={"email": "not an email", "password": PASSWORD},
        headers=bearer(token),
    )

    assert (wrong.status_code, taken.status_code, same.status_code, bad.status_code) == (
        400,
        409,
        400,
        400,
    )


def test_an_address_taken_before_the_link_is_opened_is_409(api: Api, inbox: Inbox) -> None:
    email, wanted = unique_email(), unique_email()
    api.sign_up(email)
    r = api.http.post(
        "/api/auth/email",
        json={"email": wanted, "password": PASSWORD},
        headers=bearer(api.token(email, PASSWORD)),
    )
    assert r.status_code == 202
    token = mailed_token(inbox, wanted, LetterKind.CHANGE_EMAIL)
    api.sign_up(wanted)

    assert verify(api, token).status_code == 409
    assert api.sign_in(email, PASSWORD).status_code == 200


def test_a_newer_request_voids_the_older_link(api: Api, inbox: Inbox) -> None:
    email, first, second = unique_email(), unique_email(), unique_email()
    api.sign_up(email)
    token = api.token(email, PASSWORD)
    for target in (first, second):
        r = api.http.post(
            "/api/auth/email", json={"email": target, "password": PASSWORD}, headers=bearer(token)
        )
        assert r.status_code == 202

    assert verify(api, mailed_token(inbox, first, LetterKind.CHANGE_EMAIL)).status_code == 400
    assert verify(api, mailed_token(inbox, second, LetterKind.CHANGE_EMAIL)).status_code == 200
