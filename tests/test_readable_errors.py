"""What a person reads when input is refused: sentences naming the field, no library wording
("Value error, ", "Field required", email-validator's "@-sign"), and how long to wait."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from cinepass.api import create_app
from cinepass.config import Settings
from tests.conftest import make_settings
from tests.support import Api, LiveServer

_LIBRARY_WORDING = re.compile(r"Value error|Field required|@-sign|String should|Input should")


def _sign_up(api: Api, **fields: str) -> httpx.Response:
    body: dict[str, Any] = {
        "name": "Íñigo Ibáñez",
        "email": f"íñigo.{uuid.uuid4().hex[:8]}@correo.es",
        "password": "contraseña de Íñigo",
        "apiKeyToken": api.public_key,
    }
    body.update(fields)
    return api.http.post("/api/auth/sign-up", json=body)


def _refusal(r: httpx.Response) -> tuple[str, list[str]]:
    assert r.status_code == 400, r.text
    body = r.json()
    message: str = body["message"]
    details = [d["message"] for d in body["details"]]
    for said in (message, *details):
        assert not _LIBRARY_WORDING.search(said), said
    return message, details


def test_a_common_password_is_refused_in_a_sentence(api: Api) -> None:
    message, details = _refusal(_sign_up(api, password="Contrasena"))
    assert details == ["password is one of the most common passwords; choose another"]
    assert message == details[0]


def test_a_short_password_with_an_eñe_says_how_long_it_must_be(api: Api) -> None:
    message, _ = _refusal(_sign_up(api, password="ñandú"))
    assert message == "password must be at least 8 characters"


def test_an_accented_local_part_is_welcome_and_a_reserved_domain_is_explained(api: Api) -> None:
    accepted = _sign_up(api, email=f"josé.álvarez.{uuid.uuid4().hex[:6]}@correo.es")
    assert accepted.status_code == 201, accepted.text

    message, _ = _refusal(_sign_up(api, email="josé.álvarez@ejemplo.test"))
    assert message.startswith("email is not a valid email address: its domain is reserved"), message
    message, _ = _refusal(_sign_up(api, email="ñandú@@correo.es"))
    assert message.startswith("email is not a valid email address: the part after the @"), message


def test_missing_and_unknown_fields_are_named(api: Api) -> None:
    r = api.http.post(
        "/api/auth/sign-up",
        json={"email": "ana@correo.es", "password": "contraseña larga", "isAdmin": True},
    )
    message, details = _refusal(r)
    assert "name is required" in details
    assert "isAdmin is not a field this accepts" in details
    assert message == "; ".join(details)
    assert [d["field"] for d in r.json()["details"]] == ["body.name", "body.isAdmin"]


def test_too_many_sign_ups_says_how_long_to_wait(settings: Settings, api: Api) -> None:
    limited = make_settings(settings.database.url, limits={"signup_per_address": "1 per 2 minutes"})
    with LiveServer(create_app(limited)) as server, httpx.Client(base_url=server.url) as http:
        for _ in range(3):
            r = http.post(
                "/api/auth/sign-up",
                json={
                    "name": "Ñoño",
                    "email": f"ñoño.{uuid.uuid4().hex[:8]}@correo.es",
                    "password": "contraseña de Ñoño",
                    "apiKeyToken": api.public_key,
                },
            )
            if r.status_code == 429:
                break
    assert r.status_code == 429, r.text
    wait = int(r.headers["retry-after"])
    expected = "2 minutes" if wait > 60 else "1 minute"
    assert r.json()["message"] == f"too many sign-ups; try again in {expected}", r.text
