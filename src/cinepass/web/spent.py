"""What the render server remembers so that a thing works once: spent sign-in flows, ended sessions.

Each replica keeps its own record in memory. With CINEPASS_REDIS_URL set the record is shared
by every replica too; while Redis is unreachable each replica still keeps (and consults) its own,
so an outage degrades to per-replica records, never to an error page.
"""

from __future__ import annotations

import hashlib
import time
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

# Far above any honest load (a record lives minutes for flows, hours for sessions), and small
# enough that a flood of records cannot exhaust memory.
_MAX_RECORDS = 200_000
_REDIS_TIMEOUT_SECONDS = 0.5


def record_key(kind: str, secret: str) -> str:
    """A key naming `secret` without holding it: a Redis dump shows no state or session id."""
    return f"{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


class SpentRecord(Protocol):
    async def spend(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; True only the first time (within that lifetime)."""
        ...

    async def is_spent(self, key: str) -> bool: ...

    async def aclose(self) -> None: ...


class MemorySpent:
    """Keys with deadlines, in this process."""

    def __init__(self, max_records: int = _MAX_RECORDS):
        self._deadlines: dict[str, float] = {}
        self._max = max_records

    def _prune(self, now: float) -> None:
        self._deadlines = {k: d for k, d in self._deadlines.items() if d > now}
        while len(self._deadlines) >= self._max:
            # Still full of live records: forget the one that ends soonest.
            del self._deadlines[min(self._deadlines, key=self._deadlines.__getitem__)]

    async def spend(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        if self._deadlines.get(key, 0.0) > now:
            return False
        if len(self._deadlines) >= self._max:
            self._prune(now)
        self._deadlines[key] = now + seconds
        return True

    async def is_spent(self, key: str) -> bool:
        return self._deadlines.get(key, 0.0) > time.monotonic()

    async def aclose(self) -> None:
        pass


class RedisSpent:
    """Keys with expiries in Redis (`SET NX EX`), shared by every replica, kept locally too."""

    PREFIX = "cinepass:web:spent:"

    def __init__(self, url: str):
        self._redis = Redis.from_url(
            url,
            socket_timeout=_REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
        )
        self._local = MemorySpent()

    async def spend(self, key: str, seconds: float) -> bool:
        first_here = await self._local.spend(key, seconds)
        try:
            stored = await self._redis.set(
                self.PREFIX + key, b"1", nx=True, ex=max(1, int(seconds + 0.999))
            )
        except (RedisError, OSError) as exc:
            log.warning("spent_record_redis_unavailable", error=type(exc).__name__)
            return first_here
        return first_here and bool(stored)

    async def is_spent(self, key: str) -> bool:
        if await self._local.is_spent(key):
            return True
        try:
            return bool(await self._redis.exists(self.PREFIX + key))
        except (RedisError, OSError) as exc:
            log.warning("spent_record_redis_unavailable", error=type(exc).__name__)
            return False

    async def aclose(self) -> None:
        await self._redis.aclose()


def spent_record(redis_url: str | None) -> SpentRecord:
    return RedisSpent(redis_url) if redis_url else MemorySpent()
