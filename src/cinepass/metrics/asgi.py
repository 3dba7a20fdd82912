"""RequestMetrics: counts and times every HTTP request by its route template, in pure ASGI."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cinepass.metrics.instruments import REQUEST_SECONDS, REQUESTS

# No route matched (a 404 from the router, a refusal before routing): one label for them all,
# so that scanning random paths adds no series.
UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """The matched route's path as declared (`/api/movies/{movie_id}`), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestRecorder:
    """Counts and times answers; each (route, method, status) keeps its labelled children after
    first use."""

    def __init__(self) -> None:
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = (
                REQUESTS.labels(route, method, str(status)),
                REQUEST_SECONDS.labels(route, method),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


class RequestMetrics:
    """Outermost but for the request context: every answer counts, refusals included.

    Cheap by construction: the route's template is read from the scope routing already filled
    in, and a RequestRecorder keeps the labelled children.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._recorder = RequestRecorder()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self._recorder.record(
                route_template(scope),
                scope["method"] if scope["method"] in _METHODS else "other",
                status,
                time.perf_counter() - started,
            )
