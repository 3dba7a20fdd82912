"""GET /health: answered ahead of the middleware stack, and the same on the wire as the route."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from tests.raw_http import send_head
from tests.support import Api

SECURITY_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
ID = re.compile(r"[0-9a-f]{32}")


def test_health_answers_ok_with_every_security_header_and_a_request_id(api: Api) -> None:
    answer = api.http.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["content-type"] == "application/json"
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert ID.fullmatch(answer.headers["x-request-id"])
    assert api.http.get("/health").headers["x-request-id"] != answer.headers["x-request-id"]


def test_health_keeps_a_well_formed_request_id_and_replaces_a_malformed_one(api: Api) -> None:
    kept = api.http.get("/health", headers={"X-Request-ID": "probe-1234abcd"})
    assert kept.headers["x-request-id"] == "probe-1234abcd"
    replaced = send_head(str(api.http.base_url), "GET", "/health", {"X-Request-ID": "x y z"})
    assert replaced.status == 200
    assert ID.fullmatch(replaced.headers["x-request-id"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("POST", "/health", 405), ("HEAD", "/health", 405), ("GET", "/health?verbose=1", 400)],
)
def test_other_requests_to_health_are_answered_by_the_route_as_before(
    api: Api, method: str, path: str, status: int
) -> None:
    answer = api.http.request(method, path)
    assert answer.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    if method != "HEAD":
        assert answer.json()["requestId"] == answer.headers["x-request-id"]


def test_a_body_sent_to_health_still_meets_the_body_limits(api: Api) -> None:
    answer = api.http.request("GET", "/health", content=b"[" * 200_000)
    assert answer.status_code == 413
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


def test_the_probe_answers_exactly_as_the_route_does(settings: Settings) -> None:
    async def answer(probe: bool) -> httpx.Response:
        app = create_app(settings)
        if not probe:
            app.edge = None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
            return await http.get("/health", headers={"X-Request-ID": "same-id-1234"})

    probed, routed = asyncio.run(answer(True)), asyncio.run(answer(False))
    assert probed.status_code == routed.status_code == 200
    assert probed.content == routed.content
    assert probed.headers.multi_items() == routed.headers.multi_items()


def test_health_stays_documented(api: Api) -> None:
    operation = api.http.get("/openapi.json").json()["paths"]["/health"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Status"}
