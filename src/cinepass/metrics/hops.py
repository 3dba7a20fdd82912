"""The render server's hop to the API, timed by httpx event hooks on the one typed client."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from cinepass.metrics.instruments import API_HOP_SECONDS

_SENT = "cinepass.sent"


async def _sent(request: httpx.Request) -> None:
    request.extensions[_SENT] = time.perf_counter()


async def _answered(response: httpx.Response) -> None:
    sent = response.request.extensions.get(_SENT)
    if isinstance(sent, float):
        API_HOP_SECONDS.labels(response.request.method).observe(time.perf_counter() - sent)


def api_hop_hooks() -> dict[str, list[Callable[[Any], Any]]]:
    """`event_hooks` for the client the render server calls the API with."""
    return {"request": [_sent], "response": [_answered]}
