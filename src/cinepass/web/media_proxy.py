"""`/media/<slug>.mp4`: a film's clip streamed from the API, Range and all, as it arrives.

No session is needed: the signature in the URL, made by the API for one user, is the
authorisation, and only the API checks it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from cinepass.client import ApiError, CinepassClient
from cinepass.errors import NotFound
from cinepass.movies.posters import is_valid_slug
from cinepass.web.gateway import Gateway, upstream_failure

router = APIRouter()

_SIGNED = ("user", "expires", "signature")
# What a player sends to ask for part of the file, and what tells it which part it got.
_REQUEST_HEADERS = ("range", "if-range")
_ANSWER_HEADERS = (
    "content-type",
    "content-length",
    "content-range",
    "accept-ranges",
    "cache-control",
    "etag",
    "last-modified",
)


@router.get("/media/{slug}.mp4", include_in_schema=False)
async def clip(request: Request, slug: str) -> StreamingResponse:
    if not is_valid_slug(slug):
        raise NotFound("no such media")
    gateway: Gateway = request.app.state.gateway
    client: CinepassClient = gateway.client
    params = [(k, v) for k, v in request.query_params.multi_items() if k in _SIGNED]
    headers = {k: request.headers[k] for k in _REQUEST_HEADERS if k in request.headers}
    try:
        upstream = await client.open_stream(f"/media/{slug}.mp4", params=params, headers=headers)
    except ApiError as error:
        raise upstream_failure(error) from None
    return StreamingResponse(
        _relay(upstream),
        status_code=upstream.status_code,
        headers={k: upstream.headers[k] for k in _ANSWER_HEADERS if k in upstream.headers},
    )


async def _relay(upstream: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    finally:
        await upstream.aclose()
