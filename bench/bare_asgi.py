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


async def lifespan(
    receive: Receive,
    send: Send,
    started: Callable[[], Awaitable[None]] | None = None,
    stopping: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """The ASGI lifespan protocol, for the bench's bare applications."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if started is not None:
                await started()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if stopping is not None:
                await stopping()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def create_app() -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
    return app


def serve(app_factory: str, argv: Sequence[str] | None = None) -> None:
    """Serve `app_factory` ("module:function") as `cinepass api` serves the API."""
    parser = argparse.ArgumentParser(prog=f"python -m {app_factory.partition(':')[0]}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    # The very function `cinepass api` serves with, so that every uvicorn option (HTTP
    # protocol class, proxy headers, log level...) stays the same as the server's.
    from cinepass.cli import serve

    serve._serve(app_factory, args.host, args.port, args.workers, quiet=True, access_log=False)


def main(argv: Sequence[str] | None = None) -> None:
    serve("bench.bare_asgi:create_app", argv)


if __name__ == "__main__":
    main(sys.argv[1:])
