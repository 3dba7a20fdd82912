"""Issue 10 through the render server: sign-up's neutral answer and the mailed links (verify,
reset) a browser opens, over real HTTP and SMTP in front of the live API."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from cinepass.mail.letters import LetterKind
from tests.mail_inbox import Inbox
from tests.support import has_session
from tests.web.conftest import (
    CHROME_ON_LINUX,
    FIREFOX_ON_WINDOWS,
    Browser,
    Web,
    link_token,
    serve_api_and_web,
)

NAME = "Begoña Íñiguez 🎬"
PASSWORD = "contraseña de ñandú 🍿"
NEW_PASSWORD = "otra contraseña más larga, señor 🎥"
EXPIRED_OR_USED = "expired or was already used"


def spanish_address(tag: str) -> str:
    return f"{tag}-ñandú-{uuid.uuid4().hex[:8]}@ejemplo.es"


def signed_up(web: Web, inbox: Inbox, name: str = NAME) -> str:
    """A new account, its verification mail already taken from the inbox."""
    email = spanish_address("cuenta")
    web.api.sign_up(email, PASSWORD, name=name)
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    return email


def test_sign_up_answers_alike_for_a_new_and_a_taken_address(web: Web, inbox: Inbox) -> None:
    email = spanish_address("alta")
    with web.browser() as first, web.browser() as second:
        new = first.act("/auth/sign-up", {"name": NAME, "email": email, "password": PASSWORD})
        taken = second.act(
            "/auth/sign-up", {"name": "Otra Persona", "email": email, "password": NEW_PASSWORD}
        )
        assert new.status_code == taken.status_code == 201, (new.text, taken.text)
        assert new.json() == taken.json()
        assert new.json() == {
            "message": f"We sent a link to {email}. Open it to confirm your address.",
            "email": email,
        }
        assert first.session_cookie is None
        assert second.session_cookie is None
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    # The owner of the taken address hears of the attempt; the second person learns nothing.
    inbox.wait_for(email, LetterKind.ACCOUNT_EXISTS)


def test_sign_up_field_problems_are_still_told(web: Web) -> None:
    with web.browser() as browser:
        weak = browser.act(
            "/auth/sign-up", {"name": NAME, "email": spanish_address("débil"), "password": "ñ"}
        )
    assert weak.status_code == 400
    assert weak.json()["details"][0]["field"] == "password"


def test_the_verification_link_confirms_the_address_and_signs_the_browser_in(
    web: Web, inbox: Inbox
) -> None:
    email = spanish_address("verifica")
    with web.browser(CHROME_ON_LINUX) as browser, web.browser() as stranger:
        assert (
            browser.act(
                "/auth/sign-up", {"name": NAME, "email": email, "password": PASSWORD}
            ).status_code
            == 201
        )
        token = link_token(inbox.wait_for(email, LetterKind.VERIFY_EMAIL).link("/verify-email"))
        r = browser.act("/auth/verify-email", {"token": token})
        assert r.status_code == 200, r.text
        user = r.json()["user"]
        assert (user["name"], user["email"], user["emailVerified"]) == (NAME, email, True)
        assert browser.get("/auth/session").json()["user"] == user
        (session,) = browser.get("/api/auth/sessions").json()["data"]
        assert session["current"] is True
        assert "Chrome" in session["device"]

        again = stranger.act("/auth/verify-email", {"token": token})
        assert again.status_code == 400
        assert EXPIRED_OR_USED in again.json()["message"]
        assert stranger.session_cookie is None


def test_a_signed_in_browser_verifying_keeps_one_session(web: Web, inbox: Inbox) -> None:
    email = spanish_address("conectada")
    web.api.sign_up(email, PASSWORD, name=NAME)
    token = link_token(inbox.wait_for(email, LetterKind.VERIFY_EMAIL).link("/verify-email"))
    with web.browser(FIREFOX_ON_WINDOWS) as browser:
        assert web.sign_in(browser, email, PASSWORD).status_code == 200
        assert browser.get("/auth/session").json()["user"]["emailVerified"] is False
        held = browser.session_cookie
        (before,) = browser.get("/api/auth/sessions").json()["data"]
        r = browser.act("/auth/verify-email", {"token": token, "rememberMe": True})
        assert r.status_code == 200, r.text
        # The owner's own session stays (its other requests may be under way with it), and
        # the one the link made ends at once.
        assert browser.session_cookie == held
        assert browser.get("/auth/session").json()["user"]["emailVerified"] is True
        sessions = browser.get("/api/auth/sessions").json()["data"]
        assert [s["id"] for s in sessions] == [before["id"]]
        assert "Firefox" in sessions[0]["device"]


def test_a_browser_signed_in_as_someone_else_becomes_the_links_owner(
    web: Web, inbox: Inbox
) -> None:
    owner = spanish_address("dueña")
    web.api.sign_up(owner, PASSWORD, name=NAME)
    token = link_token(inbox.wait_for(owner, LetterKind.VERIFY_EMAIL).link("/verify-email"))
    someone = signed_up(web, inbox, name="Otra Persona")
    with web.browser() as browser:
        assert web.sign_in(browser, someone, PASSWORD).status_code == 200
        held = browser.session_cookie
        r = browser.act("/auth/verify-email", {"token": token})
        assert r.status_code == 200, r.text
        assert browser.session_cookie not in (None, held)
        assert browser.get("/auth/session").json()["user"]["email"] == owner
    with web.browser() as replay:
        replay.session_cookie = held
        assert not has_session(replay), "the other user's session ended"


def test_a_session_answer_without_a_cookie_clears_none(web: Web) -> None:
    with web.browser() as browser:
        r = browser.get("/auth/session")
        assert r.json() == {"signedIn": False}
        assert "set-cookie" not in r.headers


def test_resend_mails_a_new_link_to_the_signed_in_users_address(web: Web, inbox: Inbox) -> None:
    email = signed_up(web, inbox)
    with web.browser() as browser:
        assert web.sign_in(browser, email, PASSWORD).status_code == 200
        r = browser.act("/auth/verify-email/resend", {})
        assert r.status_code == 202, r.text
        assert r.json()["email"] == email
        token = link_token(inbox.wait_for(email, LetterKind.VERIFY_EMAIL).link("/verify-email"))
        assert browser.act("/auth/verify-email", {"token": token}).status_code == 200
        assert browser.get("/auth/session").json()["user"]["emailVerified"] is True
        # Verified now: a resend answers the same, and mails nothing.
        assert browser.act("/auth/verify-email/resend", {}).status_code == 202
    inbox.none_for(email)


def test_resend_answers_alike_for_an_address_without_an_account(web: Web, inbox: Inbox) -> None:
    email = signed_up(web, inbox)
    nobody = spanish_address("nadie")
    with web.browser() as browser:
        known = browser.act("/auth/verify-email/resend", {"email": email})
        unknown = browser.act("/auth/verify-email/resend", {"email": nobody})
        assert known.status_code == unknown.status_code == 202
        assert known.json()["message"].replace(email, "@") == unknown.json()["message"].replace(
            nobody, "@"
        )
        inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
        inbox.none_for(nobody)
        # Signed out and no address: nothing to send to.
        anonymous = browser.act("/auth/verify-email/resend", {})
        assert anonymous.status_code == 400
        assert "email" in anonymous.json()["message"]


def test_a_reset_link_signs_the_browser_in_and_ends_every_other_session(
    web: Web, inbox: Inbox
) -> None:
    email = signed_up(web, inbox)
    nobody = spanish_address("nadie")
    with web.browser() as other, web.browser(CHROME_ON_LINUX) as browser:
        assert web.sign_in(other, email, PASSWORD).status_code == 200
        known = browser.act("/auth/password-reset", {"email": email})
        unknown = browser.act("/auth/password-reset", {"email": nobody})
        assert known.status_code == unknown.status_code == 202
        assert known.json()["message"].replace(email, "@") == unknown.json()["message"].replace(
            nobody, "@"
        )
        assert "15 minutes" in known.json()["message"]
        inbox.none_for(nobody)
        link = inbox.wait_for(email, LetterKind.PASSWORD_RESET).link("/reset-password")
        token = link_token(link)

        weak = browser.act("/auth/password-reset/confirm", {"token": token, "password": "corta"})
        assert weak.status_code == 400
        assert [d["field"] for d in weak.json()["details"]] == ["password"]

        r = browser.act(
            "/auth/password-reset/confirm",
            {"token": token, "password": NEW_PASSWORD, "rememberMe": True},
        )
        assert r.status_code == 200, r.text
        assert r.json()["user"]["email"] == email
        me = browser.get("/auth/session").json()["user"]
        assert me["emailVerified"] is True, "a reset proves the address"
        assert not has_session(other)
        (session,) = browser.get("/api/auth/sessions").json()["data"]
        assert session["current"]
        assert session["rememberMe"]
        assert "Chrome" in session["device"]

        reused = browser.act(
            "/auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD}
        )
        assert reused.status_code == 400
        assert EXPIRED_OR_USED in reused.json()["message"]
    inbox.wait_for(email, LetterKind.PASSWORD_CHANGED)
    with web.browser() as later:
        assert web.sign_in(later, email, PASSWORD).status_code == 401
        assert web.sign_in(later, email, NEW_PASSWORD).status_code == 200


def test_mail_requests_past_the_address_limit_are_429_for_each_browser_alone(
    web: Web, web_static: Path
) -> None:
    nobody = spanish_address("nadie")
    with (
        serve_api_and_web(
            web.api,
            web_static,
            requests={"trusted_proxies": ["127.0.0.1"]},
            limits={"account_mail_per_address": "2 per hour"},
        ) as site,
        Browser(site.url, local_address="127.0.0.2") as first,
        Browser(site.url, local_address="127.0.0.3") as second,
    ):
        answers = [
            first.act("/auth/password-reset", {"email": nobody}),
            first.act("/auth/verify-email/resend", {"email": nobody}),
            first.act("/auth/password-reset", {"email": nobody}),
        ]
        assert [r.status_code for r in answers] == [202, 202, 429]
        assert int(answers[-1].headers["retry-after"]) > 0
        assert answers[-1].json()["statusCode"] == 429
        assert second.act("/auth/password-reset", {"email": nobody}).status_code == 202


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/verify-email", {}),
        ("/auth/verify-email", {"token": ""}),
        ("/auth/verify-email", {"token": 12345}),
        ("/auth/verify-email", {"token": "ñ" * 600}),
        ("/auth/verify-email", {"token": "no-such-token-ñandú-🎬"}),
        ("/auth/verify-email", {"token": "x", "admin": True}),
        ("/auth/password-reset", {}),
        ("/auth/password-reset", {"email": ["a@example.com"]}),
        ("/auth/password-reset/confirm", {"token": "x"}),
        ("/auth/password-reset/confirm", {"token": "no-such-token", "password": NEW_PASSWORD}),
        ("/auth/verify-email/resend", {"email": 7}),
        ("/auth/password", {"currentPassword": PASSWORD}),
    ],
)
def test_bad_link_bodies_are_a_4xx_json_answer(web: Web, path: str, body: object) -> None:
    with web.browser() as browser:
        r = browser.act(path, body)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["statusCode"] == r.status_code
    assert browser.session_cookie is None
