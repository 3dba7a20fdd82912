"""Names, titles and tags shown to others: any language and emoji, no control characters."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api, bearer, movie_body

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by ZWJ


def test_a_name_in_spanish_with_joined_emoji_is_kept_as_typed(api: Api) -> None:
    email = f"begoña-{uuid.uuid4().hex[:6]}@ejemplo.es"
    name = f"Begoña Íñiguez {FAMILY}\ufe0f"
    api.sign_up(email, "contraseña segura ñandú", name=name)
    token = api.token(email, "contraseña segura ñandú")
    me = api.http.get("/api/auth/me", headers=bearer(token))
    assert me.json()["data"]["name"] == name


@pytest.mark.parametrize(
    "name",
    ["\u202eevil.exe", "Ana\u2066x", "two\nlines", "bell\x07", "\x1b[31mred", "del\x7f", "c1\x85x"],
)
def test_a_name_with_control_or_direction_characters_is_400(api: Api, name: str) -> None:
    r = api.http.post(
        "/api/auth/sign-up",
        json={
            "name": name,
            "email": f"ctl-{uuid.uuid4().hex[:6]}@example.com",
            "password": "contraseña segura ñandú",
            "apiKeyToken": api.public_key,
        },
    )
    assert r.status_code == 400, r.text
    assert r.json()["details"][0]["field"] == "body.name"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Red\x1b[31m"), ("title", "\u202eabc"), ("tags", ["drama\nx"])],
)
def test_a_title_or_tag_with_control_characters_is_400(
    api: Api, admin_token: str, field: str, value: object
) -> None:
    r = api.http.post("/api/movies", json=movie_body(**{field: value}), headers=bearer(admin_token))
    assert r.status_code == 400, r.text
    assert r.json()["details"][0]["field"].startswith(f"body.{field}")
