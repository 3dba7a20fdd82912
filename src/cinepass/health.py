"""Liveness, readiness and the generated posters: the API's public, unauthenticated routes."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from cinepass.context import ContextDep
from cinepass.db.engine import ping
from cinepass.errors import NotFound, ServiceUnavailable
from cinepass.movies.posters import is_valid_slug, render_poster
from cinepass.responses import errors
from cinepass.schemas import WITHOUT_NUL, ApiModel

router = APIRouter(tags=["health"])


class Status(ApiModel):
    status: str


@router.get("/health", summary="The process is up")
async def health() -> Status:
    return Status(status="ok")


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
