"""ASGI middleware both servers share: a request body's size and JSON depth, checked first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cinepass.errors import error_response

# A JSON string, escapes included; what is left once strings are gone is structure. An
# unterminated string runs to the end, as a parser reads it: the pattern then always matches
# where it starts, so the scan stays linear (a closing quote required made it quadratic).
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays and objects in `body` nest deeper than `limit`, without parsing it.

    Python's parser and validators recurse, so a deep body must be refused before either runs.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", body))
    return max(accumulate(1 if c in b"[{" else -1 for c in brackets), default=0) > limit


class BodyLimits:
    """Refuses a body over `max_bytes` (413) or nested deeper than `max_json_depth` (400).

    A declared Content-Length is judged before a byte of the body is read; a streamed body is
    counted as it arrives and cut once over. Either way nothing behind this middleware
    (authentication, CSRF, parsing) runs for it. Bodies are small, so one that passes is held
    and handed on whole.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_json_depth: int,
        larger: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_json_depth = max_json_depth
        # (method, path) -> its own limit: the few routes that take a file.
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: str | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if declared is None:
                    declared = value.decode("latin-1")
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked and (declared is None or declared == "0"):
            # HTTP/1.1: without either header a request has no body (most GETs): nothing to hold.
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get((scope["method"], scope["path"]), self.max_bytes)
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._too_large(scope, receive, send, max_bytes)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > max_bytes:
                await self._too_large(scope, receive, send, max_bytes)
                return
            more = message.get("more_body", False)
        # Whatever its declared type: the render server forwards a body to the API as JSON.
        if body and json_depth_exceeds(bytes(body), self.max_json_depth):
            message_text = f"JSON nested deeper than {self.max_json_depth} levels"
            await error_response(
                400,
                f"invalid request: body: {message_text}",
                details=[{"field": "body", "message": message_text}],
            )(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = error_response(
            413,
            f"request body too large: the limit is {max_bytes} bytes",
            # The rest of the body is never read, so the connection cannot carry another request.
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the held body once, then waits on the client as before."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
