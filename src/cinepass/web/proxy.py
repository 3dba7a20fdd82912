"""The proxy for the SPA's calls: an allow-list of API routes, nothing else, ever."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cinepass.errors import NotFound
from cinepass.web.gateway import Gateway

_ID = r"[A-Za-z0-9_-]{1,64}"


@dataclass(frozen=True)
class Allowed:
    method: str
    pattern: re.Pattern[str]
    query: frozenset[str]
    body: bool = False


# The only API calls the browser can cause. Paths are matched whole, ids by a strict pattern,
# so no `..`, encoded slash, `@host` or absolute URL can reach anything else.
ALLOWED = (
    Allowed("GET", re.compile(r"/api/movies"), frozenset({"q", "tags", "limit", "cursor"})),
    Allowed("GET", re.compile(rf"/api/movies/{_ID}"), frozenset()),
    Allowed("GET", re.compile(rf"/api/movies/{_ID}/playback"), frozenset()),
    Allowed("PUT", re.compile(rf"/api/movies/{_ID}/progress"), frozenset(), body=True),
    Allowed("GET", re.compile(r"/api/watching"), frozenset()),
    Allowed("GET", re.compile(r"/api/catalogue/genres"), frozenset()),
    Allowed("GET", re.compile(r"/api/catalogue/trends"), frozenset({"limit"})),
    Allowed("GET", re.compile(r"/api/catalogue/rows"), frozenset({"limit"})),
    Allowed("GET", re.compile(r"/api/user-movies"), frozenset()),
    Allowed("POST", re.compile(r"/api/user-movies"), frozenset(), body=True),
    Allowed("DELETE", re.compile(rf"/api/user-movies/{_ID}"), frozenset()),
    Allowed("GET", re.compile(r"/api/auth/identities"), frozenset()),
    Allowed("DELETE", re.compile(rf"/api/auth/identities/{_ID}"), frozenset()),
    Allowed("GET", re.compile(r"/api/auth/sessions"), frozenset()),
    Allowed("DELETE", re.compile(rf"/api/auth/sessions/{_ID}"), frozenset()),
    Allowed("POST", re.compile(r"/api/auth/email"), frozenset(), body=True),
    Allowed("GET", re.compile(r"/api/auth/mfa"), frozenset()),
    Allowed("POST", re.compile(r"/api/auth/mfa/totp"), frozenset(), body=True),
    Allowed("POST", re.compile(r"/api/auth/mfa/totp/confirm"), frozenset(), body=True),
    Allowed("POST", re.compile(r"/api/auth/mfa/disable"), frozenset(), body=True),
    Allowed("POST", re.compile(r"/api/auth/mfa/recovery-codes"), frozenset(), body=True),
    Allowed("GET", re.compile(r"/api/auth/passkeys"), frozenset()),
    Allowed("POST", re.compile(r"/api/auth/passkeys"), frozenset(), body=True),
    Allowed("POST", re.compile(r"/api/auth/passkeys/registration"), frozenset(), body=True),
    Allowed("PATCH", re.compile(rf"/api/auth/passkeys/{_ID}"), frozenset(), body=True),
    Allowed("DELETE", re.compile(rf"/api/auth/passkeys/{_ID}"), frozenset()),
)

router = APIRouter()


def _match(method: str, path: str) -> Allowed:
    for allowed in ALLOWED:
        if allowed.method == method and allowed.pattern.fullmatch(path):
            return allowed
    raise NotFound("no such route")


@router.api_route(
    "/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def proxy(request: Request, rest: str) -> Response:
    allowed = _match(request.method, request.url.path)
    params = [(k, v) for k, v in request.query_params.multi_items() if k in allowed.query]
    body: bytes | None = None
    if allowed.body:
        # Its size was checked by BodyLimits before the route ran.
        body = await request.body()
    gateway: Gateway = request.app.state.gateway
    response = Response(media_type="application/json")
    answer = await gateway.call(
        request, response, request.method, request.url.path, params=params, body=body
    )
    response.body = answer.content
    response.status_code = answer.status_code
    response.headers["content-length"] = str(len(answer.content))
    response.headers["content-type"] = answer.content_type
    return response
