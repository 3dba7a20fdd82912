"""A bare sign-in: an ASGI application that does nothing but check one password per request with
cinepass's own PasswordHasher (argon2id, its threads and settings), served by `cinepass api`'s
uvicorn options. What it reaches is the most any sign-in on this stack can: no database, no
token, no session, no audit.

Run: `python -m bench.bare_hasher --port N`.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.bare_asgi import Receive, Send, lifespan, serve
from cinepass.auth.passwords import PasswordHasher
from cinepass.config import get_settings

PASSWORD = "bench-password-to-time"


def create_app() -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
    hasher = PasswordHasher.from_settings(get_settings())
    stored: list[str] = []

    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":

            async def started() -> None:
                stored.append(await hasher.hash(PASSWORD))

            await lifespan(receive, send, started)
            return
        while (await receive()).get("more_body"):
            pass
        valid = scope["path"] == "/ready" or (await hasher.verify(PASSWORD, stored[0])).valid
        body = b'{"ok":true}'
        await send(
            {
                "type": "http.response.start",
                "status": 200 if valid else 401,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"11")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def main(argv: Sequence[str] | None = None) -> None:
    serve("bench.bare_hasher:create_app", argv)


if __name__ == "__main__":
    main(sys.argv[1:])
