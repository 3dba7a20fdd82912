"""The HTTP/1.1 protocol both servers run: uvicorn's httptools one, with a cap on a request's head.

httptools (which uvicorn[standard] brings and prefers) keeps a request line and headers of any
length in memory until they end; h11 has a limit, httptools none.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cinepass.errors import error_body

# Far above any real request line plus headers (a session cookie is at most 4 KiB).
MAX_HEAD_BYTES = 32 * 1024


def _refusal() -> bytes:
    body = json.dumps(error_body(431, "request line and headers too large")).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "cache-control: no-store\r\n"
        "x-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Counts what arrives while a head is incomplete; past MAX_HEAD_BYTES, 431 and close."""

    _head_bytes = 0
    _in_head = True

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self.transport.write(_refusal())
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_head, self._head_bytes = True, 0
        super().on_message_complete()


def uvicorn_http_options() -> dict[str, Any]:
    """The uvicorn.Config / uvicorn.run arguments both servers and the tests' servers use."""
    return {"http": BoundedHttpToolsProtocol, "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
