"""Request ids: answered in X-Request-ID, quoted in every error body, kept only when trusted."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.raw_http import send_head
from tests.support import Api
from tests.web.conftest import Web

WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def test_an_api_error_body_quotes_the_id_of_its_answer(api: Api) -> None:
    answer = api.http.get("/api/movies")
    assert answer.status_code == 401
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


def test_a_validation_error_body_quotes_the_callers_id(api: Api) -> None:
    answer = api.http.post(
        "/api/auth/sign-up", json={"nombre": "Ñandú"}, headers={"X-Request-ID": "cli-1234abcd"}
    )
    assert answer.status_code == 400
    assert answer.headers["x-request-id"] == "cli-1234abcd"
    assert answer.json()["requestId"] == "cli-1234abcd"


def test_a_refused_body_too_large_quotes_its_id(api: Api) -> None:
    answer = api.http.post(
        "/api/auth/sign-up",
        content=b'{"name": "' + b"a" * 200_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


@pytest.mark.parametrize(
    "sent",
    ["x" * 1024, "two words here", 'quoted"id"value', "señal-ñandú-1", "short"],
    ids=["1KB", "spaces", "quotes", "non-ascii", "too-short"],
)
def test_the_api_replaces_a_malformed_id(api: Api, sent: str) -> None:
    answer = send_head(str(api.http.base_url), "GET", "/api/movies", {"X-Request-ID": sent})
    returned = answer.headers["x-request-id"]
    assert returned != sent
    assert WELL_FORMED.fullmatch(returned)
    assert answer.json()["requestId"] == returned


def test_a_line_break_in_an_id_never_reaches_the_answer(api: Api) -> None:
    # On the wire a CR LF ends the header: the id read is "abc", too short to keep.
    answer = send_head(
        str(api.http.base_url), "GET", "/api/movies", {"X-Request-ID": "abc\r\nX-Forged: yes"}
    )
    assert answer.status == 401
    assert "x-forged" not in answer.headers
    assert answer.headers["x-request-id"] != "abc"
    assert WELL_FORMED.fullmatch(answer.headers["x-request-id"])


def test_the_render_server_gives_its_own_id_not_the_browsers(web: Web) -> None:
    answer = web.http.get("/api/movies", headers={"X-Request-ID": "browser-chosen-id-1"})
    assert answer.status_code == 401
    assert answer.headers["x-request-id"] != "browser-chosen-id-1"
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


def test_a_csrf_refusal_quotes_its_id(web: Web) -> None:
    answer = web.http.post("/auth/sign-in", json={"email": "a@b.c", "password": "x"})
    assert answer.status_code == 403
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


def test_the_typed_client_sends_the_id_of_the_request_being_served() -> None:
    import asyncio

    from cinepass.client import CinepassClient
    from cinepass.request_context import RequestContext

    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(200, json={"data": [], "message": "ok", "next": None})

    async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        async with CinepassClient(
            "http://api.test", transport=httpx.MockTransport(handler)
        ) as client:
            await client.forward("GET", "/api/movies", token="t")
        await send({"type": "http.response.start", "status": 204, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    async def go() -> str:
        transport = httpx.ASGITransport(app=RequestContext(app))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as http:
            answer = await http.get("/")
            return answer.headers["x-request-id"]

    answered = asyncio.run(go())
    assert seen == [answered]
