"""The render server's connections to the API: one aiohttp pool, the typed client's and the proxy's.

The typed client (httpx) runs on this pool through its aiohttp transport; the proxy's calls, which
pass bytes on as they are, skip httpx's request and response models and use the pool directly.
"""

from __future__ import annotations

import time

import aiohttp
from httpx_aiohttp import AiohttpTransport

from cinepass.client import ApiUnreachable, Forwarded
from cinepass.metrics.instruments import API_HOP_SECONDS
from cinepass.request_context import current_request_id

_USER_AGENT = "cinepass-client"


class Upstream:
    def __init__(self, api_url: str, *, timeout: float, hop_metrics: bool = False):
        self._base = api_url.rstrip("/")
        self._hop_metrics = hop_metrics
        self.session = aiohttp.ClientSession(
            # An idle connection is dropped before uvicorn's 5 s would close it under a request.
            connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=4.0),
            timeout=aiohttp.ClientTimeout(total=timeout),
            # Answers are one user's: never kept, never sent on with another's call.
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": _USER_AGENT},
            # On loopback or a LAN compressing costs more than it saves.
            skip_auto_headers=("Accept-Encoding",),
        )

    def transport(self) -> AiohttpTransport:
        """For the typed client: the same pool."""
        return AiohttpTransport(client=self.session)

    async def aclose(self) -> None:
        await self.session.close()

    async def forward(
        self,
        method: str,
        path: str,
        *,
        token: str,
        params: list[tuple[str, str]] | None = None,
        json_body: bytes | None = None,
        content_type: str = "application/json",
        client_address: str | None = None,
    ) -> Forwarded:
        """As `CinepassClient.forward`: one request sent as it is, its answer handed back as it
        is, errors included."""
        headers = {"Authorization": f"Bearer {token}"}
        if client_address:
            headers["X-Forwarded-For"] = client_address
        request_id = current_request_id()
        if request_id is not None:
            headers["X-Request-ID"] = request_id
        if json_body is not None:
            headers["Content-Type"] = content_type
        sent = time.perf_counter()
        try:
            async with self.session.request(
                method, self._base + path, params=params or (), data=json_body, headers=headers
            ) as response:
                content = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise ApiUnreachable(f"cannot reach the API: {type(exc).__name__}") from exc
        if self._hop_metrics:
            API_HOP_SECONDS.labels(method).observe(time.perf_counter() - sent)
        return Forwarded(
            response.status, content, response.headers.get("Content-Type", "application/json")
        )
