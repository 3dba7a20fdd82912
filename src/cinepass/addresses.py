"""The caller's network address, as both servers see it."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_address(connection: HTTPConnection) -> str | None:
    """The peer's address (behind a trusted proxy, the one it forwarded); None when the
    transport has none (a test client, a Unix socket)."""
    return connection.client.host if connection.client else None
