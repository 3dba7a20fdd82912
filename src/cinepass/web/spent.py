"""What the render server remembers so that a thing works once: spent sign-in flows, ended sessions.

Each replica keeps its own record in memory. With CINEPASS_REDIS_URL set the record is shared
by every replica too; while Redis is unreachable each replica still keeps (and consults) its own,
so an outage degrades to per-replica records, never to an error page.
"""

from __future__ import annotations

import time
from typing import Protocol

import structlog
from redis.exceptions import RedisError

from cinepass import redis_connections
from cinepass.secrets_digest import secret_digest

log = structlog.get_logger(__name__)

# Far above any honest load (a record lives minutes for flows, hours for sessions), and small
# enough that a flood of records cannot exhaust memory.
_MAX_RECORDS = 200_000
_REDIS_TIMEOUT_SECONDS = 0.5
_REDIS_PAUSE_SECONDS = 1.0


def record_key(kind: str, secret: str) -> str:
    """A key naming `secret` without holding it: a Redis dump shows no state or session id."""
    return f"{kind}:{secret_digest(secret)}"


class SpentRecord(Protocol):
    async def spend(self, key: str, seconds: float) -> bool:
        """Record `key` for `seconds`; True only the first time (within that lifetime)."""
        ...

    async def is_spent(self, key: str) -> bool: ...

    async def aclose(self) -> None: ...


class MemorySpent:
    """Keys with deadlines, in this process; each kind of record has its own room, so a flood
    of one (sign-in flows are cheap to start) never pushes out another (signed-out sessions)."""

    def __init__(self, max_records: int = _MAX_RECORDS):
        self._kinds: dict[str, dict[str, float]] = {}
        self._max = max_records

    def _room(self, key: str, now: float) -> dict[str, float]:
        records = self._kinds.setdefault(key.partition(":")[0], {})
        if len(records) >= self._max:
            live = {k: d for k, d in records.items() if d > now}
            # Still nearly full of live records: forget the oldest, so pruning stays rare.
            keep = self._max * 9 // 10
            records = dict(list(live.items())[-keep:]) if len(live) > keep else live
            self._kinds[key.partition(":")[0]] = records
        return records

    async def spend(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        records = self._room(key, now)
        if records.get(key, 0.0) > now:
            return False
        records[key] = now + seconds
        return True

    async def is_spent(self, key: str) -> bool:
        records = self._kinds.get(key.partition(":")[0], {})
        return records.get(key, 0.0) > time.monotonic()

    async def aclose(self) -> None:
        pass


class RedisSpent:
    """Keys with expiries in Redis (`SET NX EX`), shared by every replica, kept locally too."""

    PREFIX = "cinepass:web:spent:"

    def __init__(self, url: str):
        self._redis = redis_connections.connect(url, timeout=_REDIS_TIMEOUT_SECONDS)
        self._local = MemorySpent()
        self._down_until = 0.0

    def _down(self, exc: Exception) -> None:
        # Not every request should wait on a Redis that just failed: try again a moment later.
        self._down_until = time.monotonic() + _REDIS_PAUSE_SECONDS
        log.warning("spent_record_redis_unavailable", error=type(exc).__name__)

    async def spend(self, key: str, seconds: float) -> bool:
        first_here = await self._local.spend(key, seconds)
        if time.monotonic() < self._down_until:
            return first_here
        try:
            stored = await self._redis.set(
                self.PREFIX + key, b"1", nx=True, ex=max(1, int(seconds + 0.999))
            )
        except (RedisError, OSError) as exc:
            self._down(exc)
            return first_here
        return first_here and bool(stored)

    async def is_spent(self, key: str) -> bool:
        if await self._local.is_spent(key):
            return True
        if time.monotonic() < self._down_until:
            return False
        try:
            return bool(await self._redis.exists(self.PREFIX + key))
        except (RedisError, OSError) as exc:
            self._down(exc)
            return False

    async def aclose(self) -> None:
        await self._redis.aclose()


def spent_record(redis_url: str | None) -> SpentRecord:
    return RedisSpent(redis_url) if redis_url else MemorySpent()
