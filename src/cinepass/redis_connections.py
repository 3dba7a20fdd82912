"""How cinepass talks to Redis: every connection fails fast, so an outage is a quick 503."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

# A Redis that does not answer within this long counts as down: requests get a quick 503
# instead of waiting on a dead connection. One immediate retry replaces a pooled connection
# that Redis closed by restarting; redis-py's default (backoff, three retries) would hold each
# request for seconds during an outage.
REDIS_TIMEOUT_SECONDS = 1.0


def redis_options(timeout: float = REDIS_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Client options for every Redis connection cinepass makes."""
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), 1),
    }


def connect(url: str, timeout: float = REDIS_TIMEOUT_SECONDS) -> Redis:
    return Redis.from_url(url, **redis_options(timeout))
