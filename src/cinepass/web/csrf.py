"""CSRF defence: a state-changing request needs the SPA's header and a same-origin Origin."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from cinepass.errors import error_response

CSRF_HEADER = "x-cinepass-csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The refusal's `error`: only the render server gives it, so a client of the API (the admin
# CLI) sent here by mistake can say where it is.
CSRF_REFUSED = "csrf_refused"


def csrf_problem(method: str, headers: Headers, origin: str) -> str | None:
    """Why a request must be refused before anything else happens, or None."""
    if method in SAFE_METHODS:
        return None
    if headers.get(CSRF_HEADER) != "1":
        return "missing the application's CSRF header"
    sent_origin = headers.get("origin")
    fetch_site = headers.get("sec-fetch-site")
    if sent_origin is not None:
        if sent_origin != origin:
            return "cross-origin request refused"
    elif fetch_site != "same-origin":
        return "cross-site request refused"
    if fetch_site not in (None, "same-origin"):
        return "cross-site request refused"
    return None


class CsrfGuard:
    """Applied to every route, so that no new route can forget it."""

    def __init__(self, app: ASGIApp, origin: str) -> None:
        self.app = app
        self.origin = origin.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = csrf_problem(scope["method"], Headers(scope=scope), self.origin)
            if problem:
                await error_response(403, problem, code=CSRF_REFUSED)(scope, receive, send)
                return
        await self.app(scope, receive, send)
