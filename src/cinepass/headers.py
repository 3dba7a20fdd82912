"""ASGI middleware that sets the caching and hardening headers every answer carries."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_HARDENING = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def security_headers(extra: dict[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    """The headers an answer gets unless its route set them, encoded for ASGI."""
    defaults = {"cache-control": "no-store", **_HARDENING, **(extra or {})}
    return [(name.encode(), value.encode()) for name, value in defaults.items()]


class SecurityHeaders:
    """`Cache-Control: no-store` unless a route chose otherwise (answers may carry tokens)."""

    def __init__(self, app: ASGIApp, extra: dict[str, str] | None = None) -> None:
        self.app = app
        self._defaults = security_headers(extra)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in self._defaults if header[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
