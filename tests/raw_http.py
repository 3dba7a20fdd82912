"""HTTP over a bare socket, for what httpx will not send: false lengths, endless bodies."""

from __future__ import annotations

import http.client
import json
import select
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    closed: bool

    def json(self) -> Any:
        return json.loads(self.body)


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _answer(sock: socket.socket, started: float) -> RawAnswer:
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        body = response.read()
    finally:
        response.close()
    seconds = time.monotonic() - started
    headers = {k.lower(): v for k, v in response.getheaders()}
    sock.settimeout(5)
    try:
        closed = sock.recv(1) == b""
    except ConnectionResetError:
        closed = True
    except TimeoutError:
        closed = False
    return RawAnswer(response.status, headers, body, seconds, closed)


def send_head(url: str, method: str, path: str, headers: dict[str, str]) -> RawAnswer:
    """Send only the request line and headers, then wait for the answer."""
    host = urlsplit(url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with _connect(url) as sock:
        started = time.monotonic()
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        return _answer(sock, started)


def send_chunked(
    url: str,
    path: str,
    headers: dict[str, str],
    chunk: bytes,
    most: int,
) -> tuple[RawAnswer, int]:
    """POST a chunked body that keeps growing until the server answers; (answer, bytes sent)."""
    host = urlsplit(url).netloc
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Transfer-Encoding: chunked"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    sent = 0
    with _connect(url) as sock:
        started = time.monotonic()
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        while sent < most:
            readable, _, _ = select.select([sock], [], [], 0.02)
            if readable:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        return _answer(sock, started), sent


def send_growing_head(url: str, path: str, most: int) -> tuple[RawAnswer | None, int]:
    """A GET whose one header never ends; (the answer, or None if none came, and bytes sent)."""
    host = urlsplit(url).netloc
    sent = 0
    with _connect(url) as sock:
        started = time.monotonic()
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Filler: ".encode())
        while sent < most:
            readable, _, _ = select.select([sock], [], [], 0.01)
            if readable:
                break
            try:
                sock.sendall("ñ".encode() * 8192)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 16384
        else:
            return None, sent
        return _answer(sock, started), sent
