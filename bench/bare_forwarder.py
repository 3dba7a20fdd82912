"""A bare forwarder: an ASGI application that does nothing but pass each request on to another
server (`BENCH_FORWARD_TO`) through an aiohttp pool, as the render server's proxy does, served by
`cinepass api`'s own uvicorn options. What it reaches is the most any render server in Python on
this stack can: no cookie, no CSRF check, no headers of its own, no logging.

Run: `BENCH_FORWARD_TO=http://127.0.0.1:8000 python -m bench.bare_forwarder --port N`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from bench.bare_asgi import Receive, Send, lifespan, serve

PASSED_ON = (b"authorization", b"accept")


def create_app() -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
    upstream = os.environ["BENCH_FORWARD_TO"].rstrip("/")
    pool: list[aiohttp.ClientSession] = []

    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":

            async def started() -> None:
                pool.append(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)))

            async def stopping() -> None:
                await pool[0].close()

            await lifespan(receive, send, started, stopping)
            return
        query = scope["query_string"].decode("latin-1")
        url = upstream + scope["path"] + (f"?{query}" if query else "")
        headers = {k.decode(): v.decode() for k, v in scope["headers"] if k in PASSED_ON}
        async with pool[0].request(scope["method"], url, headers=headers) as answer:
            body = await answer.read()
            kind = answer.headers.get("content-type", "application/json").encode()
            status = answer.status
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def main(argv: Sequence[str] | None = None) -> None:
    serve("bench.bare_forwarder:create_app", argv)


if __name__ == "__main__":
    main(sys.argv[1:])
