"""Issue 8 item 1: passwords and emails in any Unicode sign in, on the API and the render server.

Basic credentials are UTF-8 (RFC 7617 charset="UTF-8"); passwords are NFKC-normalised before
hashing and verifying, emails go through one normalisation (NFC, IDNA domain, letter case).
"""

from __future__ import annotations

import base64
import unicodedata
import uuid

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.auth.revocation import RevocationList
from cinepass.config import Settings
from cinepass.users import service as users_service
from cinepass.users.models import User
from tests.support import Api, backoffice, bearer, envelope, has_session
from tests.web.conftest import Web, web, web_static

__all__ = ["web", "web_static"]  # the render-server fixtures of tests/web, used here too

SPANISH = "contraseña segura ñandú"
EMOJI = "🎬 palomitas y cine 🍿"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def email(local: str = "cinéfila") -> str:
    return f"{local}-{uuid.uuid4().hex[:8]}@example.com"


def basic(user: str, password: str) -> dict[str, str]:
    raw = f"{user}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@pytest.mark.parametrize("password", [SPANISH, EMOJI, "Ñoño ÁÉÍÓÚ über straße"])
def test_a_non_ascii_password_set_at_sign_up_signs_in(api: Api, password: str) -> None:
    address = email()
    api.sign_up(address, password)
    r = api.sign_in(address, password)
    assert r.status_code == 200, r.text
    assert api.http.get("/api/auth/me", headers=bearer(r.json()["token"])).status_code == 200


def test_the_same_password_typed_composed_or_decomposed_signs_in(api: Api) -> None:
    composed, decomposed = email(), email()
    api.sign_up(composed, nfc(SPANISH))
    api.sign_up(decomposed, nfd(SPANISH))
    assert nfc(SPANISH) != nfd(SPANISH)
    for address in (composed, decomposed):
        for typed in (nfc(SPANISH), nfd(SPANISH)):
            assert api.sign_in(address, typed).status_code == 200, (address, ascii(typed))


def test_compatibility_forms_of_a_password_are_one_password(api: Api) -> None:
    address = email()
    api.sign_up(address, "Película Favorita 2026")
    # Full-width letters and digits (an IME) and a no-break space: NFKC folds them.
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isascii() else c for c in "Película")
    typed = f"{full_width}\u00a0Favorita \uff12\uff10\uff12\uff16"
    assert api.sign_in(address, typed).status_code == 200
    assert api.sign_in(address, "Pelicula Favorita 2026").status_code == 401, "accents count"


def test_a_wrong_non_ascii_password_is_401_with_a_utf8_basic_challenge(api: Api) -> None:
    address = email()
    api.sign_up(address, SPANISH)
    r = api.sign_in(address, "contraseña segura ñandu")
    assert r.status_code == 401
    assert envelope(r) == {
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "invalid credentials",
    }
    assert r.headers["www-authenticate"] == 'Basic realm="cinepass", charset="UTF-8"'


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"ana@example.com:\xff\xfe").decode(),  # not UTF-8
        "Basic " + base64.b64encode(b"sin-dos-puntos").decode(),
        "Basic %%%not-base64%%%",
        "Basic " + base64.b64encode("ñ@x.es:ñ".encode()).decode()[:-2] + "*=",
    ],
)
def test_malformed_basic_credentials_are_a_401_json_body(api: Api, authorization: str) -> None:
    r = api.http.post(
        "/api/auth/sign-in",
        headers={"Authorization": authorization},
        json={"apiKeyToken": api.public_key},
    )
    assert r.status_code == 401
    assert r.json()["statusCode"] == 401
    assert r.headers["www-authenticate"].startswith("Basic ")


def test_basic_credentials_are_read_as_utf8_not_latin1(api: Api) -> None:
    address = email("ñandú")
    api.sign_up(address, SPANISH)
    r = api.http.post(
        "/api/auth/sign-in",
        headers=basic(address, SPANISH),
        json={"apiKeyToken": api.public_key},
    )
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == address


def test_a_hash_made_before_normalisation_still_signs_in_and_is_upgraded(
    api: Api, settings: Settings
) -> None:
    address = email()
    typed = nfd(SPANISH)  # what a macOS keyboard may send; stored raw by an older version
    legacy = PasswordHash((Argon2Hasher(),)).hash(typed)

    async def create(_: RevocationList, session: AsyncSession) -> User:
        return await users_service.create(
            session, name="Antigua", email=address, password_hash=legacy
        )

    backoffice(settings, create)
    assert api.sign_in(address, typed).status_code == 200
    stored = api.db.scalar(
        "SELECT password_hash FROM users WHERE email_key = :k", k=address.lower()
    )
    assert stored != legacy, "re-hashed in its normalised form on the first sign-in"
    assert api.sign_in(address, nfc(SPANISH)).status_code == 200, "now any spelling works"
    assert api.sign_in(address, typed).status_code == 200


def test_a_unicode_email_signs_in_whatever_its_spelling(api: Api) -> None:
    tag = uuid.uuid4().hex[:6]
    address = f"José.Ñúñez.{tag}@bücher.example"
    user_id = api.sign_up(address, SPANISH)
    spellings = [
        address,
        nfd(address),
        address.upper(),
        f"josé.ñúñez.{tag}@xn--bcher-kva.example",  # the domain as IDNA (punycode)
        f"  {address}\t",
    ]
    for spelling in spellings:
        r = api.sign_in(spelling, SPANISH)
        assert r.status_code == 200, (ascii(spelling), r.text)
        assert r.json()["user"]["id"] == user_id
        assert r.json()["user"]["email"] == address


def test_a_unicode_email_cannot_be_registered_twice_in_another_spelling(api: Api) -> None:
    tag = uuid.uuid4().hex[:6]
    api.sign_up(f"maría.{tag}@ejemplo.es", SPANISH)
    r = api.http.post(
        "/api/auth/sign-up",
        json={
            "name": "Otra",
            "email": nfd(f"MARÍA.{tag}@EJEMPLO.ES"),
            "password": SPANISH,
            "apiKeyToken": api.public_key,
        },
    )
    assert r.status_code == 409, r.text


def test_a_non_ascii_password_signs_in_through_the_render_server(web: Web) -> None:
    address = email("ñandú")
    with web.browser() as browser, web.browser() as stranger:
        r = browser.post(
            "/auth/sign-up",
            json={"name": "Ñandú", "email": address, "password": SPANISH},
            headers=web.same_origin(),
        )
        assert r.status_code == 201, r.text
        # The render server signs in through the typed client, which sends Basic credentials.
        for typed in (SPANISH, nfd(SPANISH)):
            r = web.sign_in(browser, address, typed)
            assert r.status_code == 200, r.text
            assert r.json()["user"]["email"] == address
            assert has_session(browser)
        assert web.sign_in(stranger, address, EMOJI).status_code == 401


def test_utf8_basic_credentials_sign_in_through_the_render_server(web: Web) -> None:
    address = email("ñandú")
    web.api.sign_up(address, EMOJI)
    with web.browser() as browser:
        r = browser.post(
            "/auth/sign-in", json={}, headers={**web.same_origin(), **basic(address, EMOJI)}
        )
        assert r.status_code == 200, r.text
        bad = browser.post(
            "/auth/sign-in",
            json={},
            headers={**web.same_origin(), "Authorization": "Basic %%%"},
        )
    assert bad.status_code == 401
    assert "www-authenticate" not in bad.headers, "browsers get the form, never a prompt"


def test_an_overlong_email_is_an_ordinary_401(api: Api) -> None:
    r = api.sign_in("ñ" * 5000 + "@example.com", SPANISH)
    assert r.status_code == 401
    assert r.json()["message"] == "invalid credentials"


def test_an_account_stored_under_an_older_email_key_still_signs_in(
    api: Api, settings: Settings
) -> None:
    tag = uuid.uuid4().hex[:6]
    typed = f"antes.{tag}@xn--bcher-kva.example"  # as `cinepass users create` stored it before
    user_id = uuid.uuid4().hex
    password_hash = PasswordHash((Argon2Hasher(),)).hash(SPANISH)

    async def insert(_: RevocationList, session: AsyncSession) -> None:
        session.add(
            User(
                id=user_id,
                name="Antes",
                email=typed,
                email_key=typed.lower(),
                password_hash=password_hash,
                disabled=False,
            )
        )

    backoffice(settings, insert)
    r = api.sign_in(typed, SPANISH)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == user_id


def test_a_non_ascii_password_can_be_changed_to_another_and_signs_in(api: Api) -> None:
    address = email()
    api.sign_up(address, SPANISH)
    token = api.token(address, nfd(SPANISH))
    changed = api.http.post(
        "/api/auth/password",
        json={"currentPassword": nfd(SPANISH), "newPassword": EMOJI},
        headers=bearer(token),
    )
    assert changed.status_code == 200, changed.text
    assert api.sign_in(address, SPANISH).status_code == 401
    assert api.sign_in(address, EMOJI).status_code == 200
