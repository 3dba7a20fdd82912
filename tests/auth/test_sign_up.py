"""Sign-up: the password policy, unique emails, and no way to sign up as an admin."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api


def email() -> str:
    return f"new-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(api: Api, **body: object) -> tuple[int, dict[str, object]]:
    payload = {"name": "Grace", "email": email(), "password": "a perfectly fine passphrase"}
    payload["apiKeyToken"] = api.public_key
    payload.update(body)
    r = api.http.post("/api/auth/sign-up", json=payload)
    return r.status_code, r.json()


def test_sign_up_creates_a_user_who_can_sign_in(api: Api) -> None:
    address = email()
    status, body = sign_up(api, email=address, password="tea and biscuits")
    assert status == 201
    assert body["message"] == "user created"
    assert isinstance(body["data"], str)
    signed = api.sign_in(address, "tea and biscuits")
    assert signed.status_code == 200
    assert signed.json()["user"] == {"id": body["data"], "name": "Grace", "email": address}


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("x" * 7, False),
        ("abcdefg", False),
        ("zq7#kp2!", True),
        ("y" * 128, True),
        ("y" * 129, False),
        ("пароль спокойной ночи", True),
        ("        spaces only?   ", True),
        ("🎬🎬🎬🎬🎬🎬🎬🎬", True),
    ],
)
def test_passwords_need_8_to_128_characters_and_nothing_else(
    api: Api, password: str, accepted: bool
) -> None:
    status, body = sign_up(api, password=password)
    assert status == (201 if accepted else 400), body
    if not accepted:
        assert body["details"][0]["field"] == "body.password"  # type: ignore[index]


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyuiop", "iloveyou", "Baseball"])
def test_the_most_common_passwords_are_refused(api: Api, password: str) -> None:
    status, body = sign_up(api, password=password)
    assert status == 400
    assert "common" in str(body["message"])


def test_an_email_already_taken_in_any_letter_case_is_409(api: Api) -> None:
    address = email()
    assert sign_up(api, email=address)[0] == 201
    status, body = sign_up(api, email=address.upper())
    assert status == 409
    assert body["error"] == "Conflict"
    assert api.db.scalar("SELECT count(*) FROM users WHERE email_key = :k", k=address.lower()) == 1


@pytest.mark.parametrize("field", ["isAdmin", "role", "scopes", "is_admin"])
def test_mass_assignment_of_roles_is_refused(api: Api, field: str) -> None:
    address = email()
    status, _ = sign_up(api, email=address, **{field: True if field != "role" else "admin"})
    assert status == 400
    assert api.db.scalar("SELECT count(*) FROM users WHERE email_key = :k", k=address) == 0


def test_sign_up_needs_a_key_that_holds_signup_scope(api: Api, make_key) -> None:  # type: ignore[no-untyped-def]
    assert sign_up(api, apiKeyToken=None)[0] == 401
    assert sign_up(api, apiKeyToken="cpk_unknown")[0] == 401
    no_signup = make_key(["signin:auth", "read:movies"])
    status, body = sign_up(api, apiKeyToken=no_signup)
    assert status == 403
    assert "signup:auth" in str(body["message"])


def test_invalid_emails_and_names_are_400(api: Api) -> None:
    assert sign_up(api, email="not-an-email")[0] == 400
    assert sign_up(api, name="")[0] == 400
    assert sign_up(api, name="n" * 101)[0] == 400
