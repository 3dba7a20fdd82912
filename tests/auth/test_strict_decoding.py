"""Exactly one spelling per token: padding, stray characters or spare bits are refused (401/400)."""

from __future__ import annotations

import base64

import pytest

from cinepass import base64url
from tests.support import Api, bearer

TEXT = "ñandú 🎬"


def respelled(token: str, how: str) -> str:
    header, payload, signature = token.split(".")
    if how == "padded signature":
        return f"{header}.{payload}.{signature}=="
    if how == "one pad":
        return f"{header}.{payload}.{signature}="
    if how == "padded payload":
        return f"{header}.{payload}=.{signature}"
    if how == "stray characters":
        return f"{header}.{payload}.{signature[:10]}!*~!{signature[10:]}"
    if how == "standard base64":
        standard = base64.b64encode(base64url.decode(signature)).decode()
        return f"{header}.{payload}.{standard}"
    if how == "spare bits":
        # EdDSA/ES256 signatures are 64 bytes: 86 characters, the last holding 4 spare bits.
        last = signature[-1]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        flipped = alphabet[alphabet.index(last) ^ 1]
        return f"{header}.{payload}.{signature[:-1]}{flipped}"
    raise AssertionError(how)


HOW = [
    "padded signature",
    "one pad",
    "padded payload",
    "stray characters",
    "standard base64",
    "spare bits",
]


@pytest.mark.parametrize("how", HOW)
def test_an_access_token_spelled_another_way_is_rejected(
    api: Api, user: tuple[str, str], how: str
) -> None:
    _, token = user
    assert api.http.get("/api/auth/me", headers=bearer(token)).status_code == 200
    other = respelled(token, how)
    assert other != token
    r = api.http.get("/api/auth/me", headers=bearer(other))
    assert r.status_code == 401, r.text
    assert r.json()["statusCode"] == 401
    assert "invalid_token" in r.headers["www-authenticate"]


@pytest.mark.parametrize("how", ["padded", "stray characters", "standard alphabet"])
def test_a_page_cursor_spelled_another_way_is_refused(api: Api, admin_token: str, how: str) -> None:
    for n in range(3):
        api.create_movie(admin_token, title=f"{TEXT} cursor {n}")
    r = api.http.get("/api/movies", params={"limit": 1}, headers=bearer(admin_token))
    cursor = r.json()["next"]
    assert cursor
    ok = api.http.get("/api/movies", params={"cursor": cursor}, headers=bearer(admin_token))
    assert ok.status_code == 200
    if how == "padded":
        other = cursor + "=" * (-len(cursor) % 4 or 4)
    elif how == "stray characters":
        other = cursor[:5] + "...." + cursor[5:]
    else:
        other = cursor + "+/"
    r = api.http.get("/api/movies", params={"cursor": other}, headers=bearer(admin_token))
    assert r.status_code == 400, r.text
    assert "cursor" in r.json()["message"]


def test_strict_base64url_round_trips_and_refuses_other_spellings() -> None:
    raw = TEXT.encode()
    text = base64url.encode(raw)
    assert base64url.decode(text) == raw
    assert base64url.encode(b"a") == "YQ"
    spellings = [text + "=", text[:3] + " " + text[3:], text + "\n", "A", text[:-1] + "!", "YR"]
    for other in spellings:
        with pytest.raises(ValueError, match="not canonical base64url"):
            base64url.decode(other)
