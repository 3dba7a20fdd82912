"""The proxy for the SPA's calls: an allow-list of API routes, nothing else, ever."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cinepass.errors import Forbidden, NotFound, handled_response
from cinepass.web.gateway import Gateway
from cinepass.web.roles import is_admin

_ID = r"[A-Za-z0-9_-]{1,64}"


@dataclass(frozen=True)
class Allowed:
    method: str
    pattern: re.Pattern[str]
    query: frozenset[str]
    body: bool = False
    # The admin console's: sent on only for a session whose user is an admin.
    admin: bool = False
    # What a body may be besides JSON (sent on with that Content-Type).
    content_types: frozenset[str] = frozenset()


def _admin(
    method: str,
    pattern: str,
    query: frozenset[str] = frozenset(),
    *,
    body: bool = False,
    content_types: frozenset[str] = frozenset(),
) -> Allowed:
    return Allowed(method, re.compile(pattern), query, body, True, content_types)


CSV = "text/csv"
IMPORT_PATH = "/api/admin/movies/import"


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
    # The admin console: an admin's session only, the API then checks scopes and step-up.
    _admin("POST", r"/api/movies", body=True),
    _admin("PUT", rf"/api/movies/{_ID}", body=True),
    _admin("DELETE", rf"/api/movies/{_ID}"),
    _admin("POST", IMPORT_PATH, frozenset({"update"}), body=True, content_types=frozenset({CSV})),
    _admin("GET", r"/api/admin/users", frozenset({"q", "cursor", "limit"})),
    _admin("PATCH", rf"/api/admin/users/{_ID}", body=True),
    _admin("GET", rf"/api/admin/users/{_ID}/sessions"),
    _admin("DELETE", rf"/api/admin/users/{_ID}/sessions"),
    _admin("DELETE", rf"/api/admin/users/{_ID}/sessions/{_ID}"),
    _admin("GET", r"/api/admin/api-keys", frozenset({"cursor", "limit"})),
    _admin("POST", r"/api/admin/api-keys", body=True),
    _admin("DELETE", rf"/api/admin/api-keys/{_ID}"),
    _admin("GET", r"/api/admin/audit", frozenset({"user", "action", "since", "cursor", "limit"})),
)
ADMIN_ROUTES = tuple(a for a in ALLOWED if a.admin)

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
router = APIRouter()


def _match(method: str, path: str) -> Allowed:
    for allowed in ALLOWED:
        if allowed.method == method and allowed.pattern.fullmatch(path):
            return allowed
    raise NotFound("no such route")


@router.api_route("/api/{rest:path}", methods=_METHODS, include_in_schema=False)
async def proxy(request: Request, rest: str = "") -> Response:
    allowed = _match(request.method, request.scope["path"])
    gateway: Gateway = request.app.state.gateway
    session = None
    if allowed.admin:
        session = await gateway.current(request)
        if not is_admin(session.access_token):
            # Never sent on: the API would refuse it too, but need not hear of it.
            raise Forbidden("the admin console is for administrators")
    params = [(k, v) for k, v in request.query_params.multi_items() if k in allowed.query]
    body: bytes | None = None
    content_type = "application/json"
    if allowed.body:
        # Its size was checked by BodyLimits before the route ran.
        body = await request.body()
        sent_as = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if sent_as in allowed.content_types:
            content_type = sent_as
    response = Response()
    answer = await gateway.call(
        request,
        response,
        request.method,
        request.scope["path"],
        params=params,
        body=body,
        content_type=content_type,
        session=session,
    )
    response.body = answer.content
    response.status_code = answer.status_code
    # The API's answer as it is, with the cookie a refresh may have set.
    response.raw_headers = [
        (b"content-length", str(len(answer.content)).encode()),
        (b"content-type", answer.content_type.encode("latin-1")),
        *(h for h in response.raw_headers if h[0] != b"content-length"),
    ]
    return response


class ProxyFront:
    """The SPA's calls straight to `proxy`, past the router and its dependency solving (the
    render server's hottest path); errors answered by the application's own handlers. Inside
    every middleware, so CSRF, body limits and headers apply as to any route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in _METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await proxy(request)
        except Exception as exc:
            response = await handled_response(request, exc)
        await response(scope, receive, send)
