"""A bare ASGI application (no framework, no middleware) answering /health's JSON, served by
`cinepass api`'s own uvicorn options: the ceiling goal 2 compares `/health` with.

Run: `python -m bench.bare_asgi --port N --workers W`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

BODY = b'{"status":"ok"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def create_app() -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_asgi")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    # The very function `cinepass api` serves with, so that every uvicorn option (HTTP
    # protocol class, proxy headers, log level...) stays the same as the server's.
    from cinepass.cli import serve

    serve._serve(
        "bench.bare_asgi:create_app",
        args.host,
        args.port,
        args.workers,
        quiet=True,
        access_log=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
