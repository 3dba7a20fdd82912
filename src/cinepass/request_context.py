"""Who is asking, for everything a request causes: its id, the client's address and user agent.

Set once per request by `RequestContext` (pure ASGI, outermost but for the proxy-header one),
read anywhere below it (the audit trail, log lines, error bodies) without passing a Request
through every service. Outside a request (the CLI, a background task) every value is None.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_ID_HEADER = REQUEST_ID_HEADER.encode()
# What a caller's X-Request-ID may be to be kept: short, printable, nothing a log line could
# be split or forged with. Anything else is replaced by a new id.
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    request_id: str | None = None
    address: str | None = None
    user_agent: str | None = None


log = structlog.get_logger("cinepass.requests")


@dataclass(slots=True)
class Actor:
    """Who the request's access token says is acting, once verified (the audit trail's actor)."""

    user_id: str | None = None
    api_key_id: str | None = None


_NOTHING = RequestInfo()
_current: ContextVar[RequestInfo] = ContextVar("cinepass_request", default=_NOTHING)
# Set empty by the middleware and filled in by the dependency that verifies the token: one
# object per request, so nothing depends on how dependencies' contexts are copied.
_actor: ContextVar[Actor | None] = ContextVar("cinepass_actor", default=None)


def current() -> RequestInfo:
    return _current.get()


def current_request_id() -> str | None:
    return _current.get().request_id


def current_actor() -> Actor:
    """The request's verified caller; an empty Actor outside a request or before verification."""
    return _actor.get() or Actor()


def identify(user_id: str, api_key_id: str | None) -> None:
    """Record the request's verified caller (no-op outside a request)."""
    actor = _actor.get()
    if actor is not None:
        actor.user_id = user_id
        actor.api_key_id = api_key_id


def new_request_id() -> str:
    # 128 random bits as 32 hex digits, the shape uuid4().hex had, at a quarter of its cost.
    return os.urandom(16).hex()


def acceptable_request_id(value: str | None) -> str | None:
    return value if value and _ACCEPTABLE_ID.fullmatch(value) else None


def choose_request_id(incoming: bytes | None, trust_incoming_id: bool) -> str:
    """The caller's X-Request-ID when trusted and acceptable, else a new id."""
    if incoming is not None and trust_incoming_id:
        kept = acceptable_request_id(incoming.decode("latin-1"))
        if kept is not None:
            return kept
    return new_request_id()


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: every log line a request causes, in either server, names it."""
    request_id = _current.get().request_id
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


class RequestContext:
    """Gives each request an id (keeping the caller's when `trust_incoming_id` says so and it
    is acceptable), records address and user agent, and answers with `X-Request-ID`."""

    def __init__(self, app: ASGIApp, *, trust_incoming_id: bool = False) -> None:
        self.app = app
        self.trust_incoming_id = trust_incoming_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The raw list, not starlette's Headers: this runs on every request. Names arrive
        # lowercased (ASGI); the first of a repeated header counts, as Headers.get does.
        incoming = agent = None
        for name, value in scope["headers"]:
            if name == _ID_HEADER:
                if incoming is None:
                    incoming = value
            elif name == b"user-agent" and agent is None:
                agent = value
        request_id = choose_request_id(incoming, self.trust_incoming_id)
        client = scope.get("client")
        info = RequestInfo(
            request_id=request_id,
            address=client[0] if client else None,
            user_agent=agent.decode("latin-1")[:512] if agent else None,
        )
        token = _current.set(info)
        actor_token = _actor.set(Actor())
        id_header = (_ID_HEADER, request_id.encode())
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", ()) if h[0].lower() != _ID_HEADER]
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # At DEBUG, one line per request: with the id, the trail of a click through both
            # servers. The path only: a query may hold a media URL's signature.
            log.debug("request", method=scope["method"], path=scope["path"], status=status)
            _actor.reset(actor_token)
            _current.reset(token)
