"""GET /api/movies without FastAPI's per-request machinery, for the requests that need none.

The catalogue is read far more than anything else, and for a plain request (a bearer token
holding read:movies, only the documented parameters, each plainly valid) routing, dependency
solving and parameter validation cost several times what serving a cached page does. This
lane answers such a request itself, with the same checks and the same `Listing`; any other
request (no token, a bad one, a parameter to refuse or to parse leniently) goes on to the
route, which answers it as it always did. The middleware outside this lane (request ids,
security headers, metrics) sees both alike.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from cinepass import request_context, scopes
from cinepass.auth.dependencies import bearer_principal
from cinepass.errors import ApplicationError, handled_response
from cinepass.movies import pages
from cinepass.movies.listing import Listing, page_query

PATH = "/api/movies"
_SINGLE = ("q", "limit", "cursor")
_LIMIT_DIGITS = len(str(pages.MAX_PAGE_SIZE))


# Clients ask for the same few query strings again and again: each is parsed once per process
# (up to this many, each this long at most: an attacker's long strings are parsed every time).
_REMEMBERED_QUERIES = 4096
_REMEMBERED_QUERY_BYTES = 1024


def plain_query(raw: bytes) -> pages.PageQuery | None:
    """The page a query string asks for, if it is plainly valid; None: let the route judge."""
    if len(raw) <= _REMEMBERED_QUERY_BYTES:
        return _remembered_query(raw)
    return _parse_query(raw)


def _parse_query(raw: bytes) -> pages.PageQuery | None:
    tags: list[str] = []
    seen: dict[str, str] = {}
    # As Starlette's QueryParams parses it for the route.
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if "\x00" in value:
            return None
        if name == "tags":
            if len(value) > pages.MAX_TAG_LENGTH:
                return None
            tags.append(value)
        elif name in _SINGLE and name not in seen:
            seen[name] = value
        else:
            return None
    if len(tags) > pages.MAX_TAGS:
        return None
    q, cursor = seen.get("q"), seen.get("cursor")
    if (q is not None and len(q) > pages.MAX_Q_LENGTH) or (
        cursor is not None and len(cursor) > pages.MAX_CURSOR_LENGTH
    ):
        return None
    limit = pages.DEFAULT_PAGE_SIZE
    if "limit" in seen:
        text = seen["limit"]
        # Canonical digits only ("20", not "020", "+20" or " 20"): the route parses the rest.
        if not (text.isascii() and text.isdigit() and len(text) <= _LIMIT_DIGITS):
            return None
        limit = int(text)
        if not 1 <= limit <= pages.MAX_PAGE_SIZE or str(limit) != text:
            return None
    return page_query(tags, q, limit, cursor)


_remembered_query = lru_cache(maxsize=_REMEMBERED_QUERIES)(_parse_query)


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token if scheme.lower() == "bearer" and token else None
    return None


class MovieListLane:
    """Innermost middleware of the API: serves plain GET /api/movies, passes on the rest."""

    def __init__(self, app: ASGIApp, route: BaseRoute) -> None:
        self.app = app
        self._route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        query = plain_query(scope["query_string"])
        token = _bearer_token(scope) if query is not None else None
        if query is None or token is None:
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        try:
            principal = await bearer_principal(app.state.auth, token)
        except ApplicationError:
            await self.app(scope, receive, send)
            return
        except Exception as exc:
            # Outside the router's exception handling: answered as they would answer it (the
            # database away while the signing keys were being read: 503, not a bare 500).
            await _answer(scope, receive, send, exc)
            return
        if scopes.READ_MOVIES not in principal.scopes:
            await self.app(scope, receive, send)
            return
        request_context.identify(principal.user_id, principal.client_id)
        # Metrics and traces name the route, as they do for the route's own answers.
        scope["route"] = self._route
        listing: Listing = app.state.context.listing
        try:
            body = await listing.page(query)
        except Exception as exc:
            # As the app's exception handlers answer it for the route (a bad cursor: 400; the
            # database away: 503).
            await _answer(scope, receive, send, exc)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _answer(scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
    response = await handled_response(Request(scope, receive), exc)
    await response(scope, receive, send)
