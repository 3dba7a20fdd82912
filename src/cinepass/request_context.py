"""Who is asking, for everything a request causes: its id, the client's address and user agent.

Set once per request by `RequestContext` (pure ASGI, outermost but for the proxy-header one),
read anywhere below it (the audit trail, log lines, error bodies) without passing a Request
through every service. Outside a request (the CLI, a background task) every value is None.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
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
    return uuid.uuid4().hex


def acceptable_request_id(value: str | None) -> str | None:
    return value if value and _ACCEPTABLE_ID.fullmatch(value) else None


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
        headers = Headers(scope=scope)
        incoming = acceptable_request_id(headers.get(REQUEST_ID_HEADER))
        request_id = incoming if incoming and self.trust_incoming_id else new_request_id()
        client = scope.get("client")
        info = RequestInfo(
            request_id=request_id,
            address=client[0] if client else None,
            user_agent=(headers.get("user-agent") or "")[:512] or None,
        )
        token = _current.set(info)
        # Every log line the request causes, in either server, names it.
        log_tokens = structlog.contextvars.bind_contextvars(request_id=request_id)

        status = 500
        actor_token = _actor.set(Actor())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    (k, v) for k, v in message["headers"] if k.lower() != b"x-request-id"
                ]
                message["headers"].append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # At DEBUG, one line per request: with the id, the trail of a click through both
            # servers. The path only: a query may hold a media URL's signature.
            log.debug("request", method=scope["method"], path=scope["path"], status=status)
            structlog.contextvars.reset_contextvars(**log_tokens)
            _actor.reset(actor_token)
            _current.reset(token)
