"""Issue 10, the account page through the render server: password, email, sessions, sign out
everywhere; and the guards of its routes (CSRF, Referrer-Policy on the link pages)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from cinepass.mail.letters import LetterKind
from tests.mail_inbox import Inbox
from tests.support import has_session
from tests.web.conftest import (
    CHROME_ON_LINUX,
    CSRF,
    FIREFOX_ON_WINDOWS,
    Browser,
    Web,
    link_token,
)

NAME = "José Ñúñez 🍿"
PASSWORD = "mi contraseña de cine ñ 🎬"
NEW_PASSWORD = "la nueva contraseña, año 🎞️"


@pytest.fixture
def account(web: Web, inbox: Inbox) -> str:
    email = f"cuenta-ñ-{uuid.uuid4().hex[:8]}@ejemplo.es"
    web.api.sign_up(email, PASSWORD, name=NAME)
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    return email


@pytest.fixture
def two_browsers(web: Web, account: str) -> Iterator[tuple[Browser, Browser]]:
    """The account signed in on a Linux Chrome (this one) and a Windows Firefox (the other)."""
    with web.browser(CHROME_ON_LINUX) as this, web.browser(FIREFOX_ON_WINDOWS) as other:
        assert web.sign_in(this, account, PASSWORD).status_code == 200
        assert web.sign_in(other, account, PASSWORD).status_code == 200
        yield this, other


def test_changing_the_password_keeps_this_browser_and_ends_the_other(
    web: Web, inbox: Inbox, account: str, two_browsers: tuple[Browser, Browser]
) -> None:
    this, other = two_browsers
    wrong = this.act("/auth/password", {"currentPassword": "no es", "newPassword": NEW_PASSWORD})
    assert wrong.status_code == 400
    assert has_session(other)

    weak = this.act("/auth/password", {"currentPassword": PASSWORD, "newPassword": "ñ"})
    assert weak.status_code == 400
    assert [d["field"] for d in weak.json()["details"]] == ["newPassword"]

    r = this.act("/auth/password", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == account
    assert has_session(this)
    assert this.get("/api/user-movies").status_code == 200
    assert not has_session(other)
    (session,) = this.get("/api/auth/sessions").json()["data"]
    assert session["current"]
    assert "Chrome" in session["device"]
    inbox.wait_for(account, LetterKind.PASSWORD_CHANGED)
    with web.browser() as later:
        assert web.sign_in(later, account, NEW_PASSWORD).status_code == 200


def test_sign_out_everywhere_ends_both_browsers(
    web: Web, two_browsers: tuple[Browser, Browser]
) -> None:
    this, other = two_browsers
    held = this.session_cookie
    r = this.act("/auth/sign-out-everywhere")
    assert r.status_code == 200, r.text
    assert this.session_cookie is None, "the cookie is cleared"
    assert not has_session(this)
    assert not has_session(other)
    # The cookie this browser held is never accepted again.
    with web.browser() as replay:
        replay.session_cookie = held
        assert not has_session(replay)


def test_the_session_list_marks_this_device_and_ends_another(
    web: Web, two_browsers: tuple[Browser, Browser]
) -> None:
    this, other = two_browsers
    sessions = this.get("/api/auth/sessions").json()["data"]
    assert len(sessions) == 2
    mine = next(s for s in sessions if s["current"])
    theirs = next(s for s in sessions if not s["current"])
    assert "Chrome" in mine["device"]
    assert "Linux" in mine["device"]
    assert "Firefox" in theirs["device"]
    assert "Windows" in theirs["device"]
    assert {"createdAt", "lastUsedAt", "expiresAt", "rememberMe"} <= mine.keys()
    assert [s["id"] for s in other.get("/api/auth/sessions").json()["data"] if s["current"]] == [
        theirs["id"]
    ]

    ended = this.act(f"/api/auth/sessions/{theirs['id']}", method="DELETE")
    assert ended.status_code == 200, ended.text
    assert not has_session(other)
    assert has_session(this)
    assert [s["id"] for s in this.get("/api/auth/sessions").json()["data"]] == [mine["id"]]
    gone = this.act(f"/api/auth/sessions/{theirs['id']}", method="DELETE")
    assert gone.status_code == 404


def test_a_browser_without_a_user_agent_is_an_unknown_device(web: Web, account: str) -> None:
    with web.browser() as browser:
        browser.headers.pop("user-agent")
        assert web.sign_in(browser, account, PASSWORD).status_code == 200
        current = [s for s in browser.get("/api/auth/sessions").json()["data"] if s["current"]]
        assert [s["device"] for s in current] == ["Unknown device"]


def test_changing_the_email_moves_the_account_once_the_link_is_opened(
    web: Web, inbox: Inbox, account: str, two_browsers: tuple[Browser, Browser]
) -> None:
    this, _ = two_browsers
    new = f"nueva-ñ-{uuid.uuid4().hex[:8]}@correo.es"
    wrong = this.act("/api/auth/email", {"email": new, "password": "no es"})
    assert wrong.status_code == 400
    r = this.act("/api/auth/email", {"email": new, "password": PASSWORD})
    assert r.status_code == 202, r.text
    assert new in r.json()["message"]
    token = link_token(inbox.wait_for(new, LetterKind.CHANGE_EMAIL).link("/verify-email"))
    assert this.get("/auth/session").json()["user"]["email"] == account

    opened = this.act("/auth/verify-email", {"token": token})
    assert opened.status_code == 200, opened.text
    me = this.get("/auth/session").json()["user"]
    assert (me["email"], me["emailVerified"], me["name"]) == (new, True, NAME)
    # Once opened, the old address is told where the account went.
    inbox.wait_for(account, LetterKind.EMAIL_CHANGED_NOTICE)
    with web.browser() as later:
        assert web.sign_in(later, new, PASSWORD).status_code == 200
        assert web.sign_in(later, account, PASSWORD).status_code == 401


ROUTES = [
    ("/auth/verify-email", {"token": "x"}),
    ("/auth/verify-email/resend", {}),
    ("/auth/password-reset", {"email": "a@example.com"}),
    ("/auth/password-reset/confirm", {"token": "x", "password": NEW_PASSWORD}),
    ("/auth/password", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
    ("/auth/sign-out-everywhere", None),
    ("/api/auth/email", {"email": "otra@example.com", "password": PASSWORD}),
]


@pytest.mark.parametrize(("path", "body"), ROUTES, ids=[p for p, _ in ROUTES])
@pytest.mark.parametrize(
    "headers", [{}, {"Origin": "SELF"}, {**CSRF, "Origin": "https://evil.example"}]
)
def test_account_routes_refuse_a_request_without_the_csrf_header_or_from_elsewhere(
    web: Web,
    two_browsers: tuple[Browser, Browser],
    path: str,
    body: object,
    headers: dict[str, str],
) -> None:
    this, other = two_browsers
    sent = {k: (web.url if v == "SELF" else v) for k, v in headers.items()}
    r = this.post(path, json=body, headers=sent)
    assert r.status_code == 403, r.text
    assert "csrf" in r.json()["message"].lower() or "origin" in r.json()["message"]
    assert this.session_cookie is not None
    assert has_session(other), "nothing happened"


def test_deleting_a_session_without_the_csrf_header_is_refused(
    web: Web, two_browsers: tuple[Browser, Browser]
) -> None:
    this, other = two_browsers
    theirs = next(s for s in this.get("/api/auth/sessions").json()["data"] if not s["current"])
    r = this.delete(f"/api/auth/sessions/{theirs['id']}")
    assert r.status_code == 403
    assert has_session(other)


@pytest.mark.parametrize(
    "path", ["/verify-email", "/reset-password", "/Reset-Password/", "/verify-email?x=1"]
)
def test_the_link_pages_send_no_referrer(web: Web, path: str) -> None:
    r = web.http.get(path)
    assert r.status_code == 200
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/sign-in", "/forgot-password", "/account"])
def test_other_pages_keep_the_same_origin_referrer(web: Web, path: str) -> None:
    assert web.http.get(path).headers["referrer-policy"] == "same-origin"


def test_the_proxy_takes_only_the_session_routes_it_lists(
    web: Web, two_browsers: tuple[Browser, Browser]
) -> None:
    this, _ = two_browsers
    for method, path in [
        ("POST", "/api/auth/sessions"),
        ("GET", "/api/auth/email"),
        ("POST", "/api/auth/sign-out-everywhere"),
        ("POST", "/api/auth/password"),
        ("DELETE", "/api/auth/sessions/a/b"),
        ("DELETE", "/api/auth/sessions/..%2Fme"),
    ]:
        r = this.act(path, method=method) if method != "GET" else this.get(path)
        assert r.status_code == 404, (method, path, r.text)
    assert has_session(this)
