"""Liveness, readiness and the generated posters: the API's public, unauthenticated routes."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path, Query, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cinepass import request_context
from cinepass.context import ContextDep
from cinepass.db.engine import ping
from cinepass.errors import NotFound, ServiceUnavailable
from cinepass.movies.posters import is_valid_slug, render_poster
from cinepass.responses import errors
from cinepass.schemas import WITHOUT_NUL, ApiModel

if TYPE_CHECKING:
    from cinepass.metrics.asgi import RequestRecorder

router = APIRouter(tags=["health"])


class Status(ApiModel):
    status: str


HEALTH_PATH = "/health"
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})


@router.get(HEALTH_PATH, summary="The process is up")
async def health() -> Status:
    return Status(status="ok")


class HealthProbe:
    """Answers a plain `GET /health` ahead of the whole middleware stack and FastAPI's routing,
    dependencies and responses (nearly all of the route's cost); anything else goes on to `app`.

    The answer is the route's on the wire: the same body, the security headers `headers` lists
    and a request id chosen as RequestContext chooses it; it counts in the request metrics when
    `recorder` is given and logs the request line at DEBUG. A query string or a body goes on to
    the route, whose checks answer it as before.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        headers: list[tuple[bytes, bytes]],
        trust_incoming_id: bool,
        recorder: RequestRecorder | None = None,
    ) -> None:
        self.app = app
        self._body = Status(status="ok").model_dump_json(by_alias=True).encode()
        self._headers = [
            (b"content-length", str(len(self._body)).encode()),
            (b"content-type", b"application/json"),
            *headers,
        ]
        self._trust_incoming_id = trust_incoming_id
        self._recorder = recorder
        # Bound once (after configure_logging): below DEBUG its debug() is a no-op.
        self._log = request_context.log.bind()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != HEALTH_PATH
            or scope["method"] != "GET"
            or scope["query_string"]
        ):
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name in _BODY_HEADERS:
                await self.app(scope, receive, send)
                return
            if name == b"x-request-id" and incoming is None:
                incoming = value
        started = time.perf_counter()
        request_id = request_context.choose_request_id(incoming, self._trust_incoming_id)
        headers = [*self._headers, (b"x-request-id", request_id.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self._body})
        if self._recorder is not None:
            self._recorder.record(HEALTH_PATH, "GET", 200, time.perf_counter() - started)
        self._log.debug(
            "request", method="GET", path=HEALTH_PATH, status=200, request_id=request_id
        )


@router.get(
    "/ready",
    summary="The database (and Redis, when configured) answer",
    responses={503: {"description": "Not ready"}},
)
async def ready(context: ContextDep) -> Status:
    timeout = context.settings.database.timeout_seconds
    try:
        await asyncio.wait_for(ping(context.engine), timeout)
    except Exception as exc:
        raise ServiceUnavailable("database unreachable") from exc
    if context.settings.redis.url:
        try:
            redis_ok = await asyncio.wait_for(context.auth.limits.check(), timeout)
        except TimeoutError:
            redis_ok = False
        if not redis_ok:
            raise ServiceUnavailable("redis unreachable")
    return Status(status="ready")


@router.get(
    "/posters/{slug}.svg",
    tags=["movies"],
    summary="A generated poster (works offline)",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}},
        404: {"description": "Bad slug"},
        # A NUL in the title (request_guards refuses it on every route).
        **errors(400),
    },
)
async def poster(
    slug: Annotated[str, Path(json_schema_extra=WITHOUT_NUL)],
    title: Annotated[
        str | None,
        Query(
            max_length=300,
            description="The title as written; used when the slug was made from it",
            json_schema_extra=WITHOUT_NUL,
        ),
    ] = None,
) -> Response:
    if not is_valid_slug(slug):
        raise NotFound("no such poster")
    return Response(
        render_poster(slug, title),
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=86400, immutable",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
