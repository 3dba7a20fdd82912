"""Revoked access tokens: events in a shared store, mirrored in each process's memory.

Verification checks memory only, so the hot path makes no round trip. Each process reads new
events every `revocation_poll_seconds`: that is the window in which another replica may still
accept a revoked access token. The process that revokes applies the event at once.

The database is the record of every event; Redis, when configured, only fans them out. While
Redis is down events are written and read in the database alone, so a sign-out still revokes.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass.auth.models import Revocation
from cinepass.auth.tokens import Principal
from cinepass.metrics import instruments as metrics

log = structlog.get_logger(__name__)

JTI, SESSION, USER, CLIENT = "jti", "sid", "user", "client"
# Events are read again this far back, so that clock skew between replicas and transactions
# that commit late are not missed.
_OVERLAP_SECONDS = 10.0
# How often the Redis-backed store also reads the database: an event whose fan-out to Redis
# failed (Redis blinked for its writer only) still reaches every replica within this long.
_RECONCILE_SECONDS = 30.0


@dataclass(frozen=True)
class RevocationEvent:
    kind: str
    value: str
    issued_before: int
    expires_at: float


class RevocationStore(Protocol):
    async def publish(self, db: AsyncSession, events: list[RevocationEvent]) -> None: ...

    async def since(self, moment: float) -> list[RevocationEvent]: ...

    async def prune(self, now: float) -> None: ...

    async def close(self) -> None: ...


class DatabaseRevocationStore:
    """Events in the `revocations` table, written in the same transaction as the change."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self._sessionmaker = sessionmaker

    async def publish(self, db: AsyncSession, events: list[RevocationEvent]) -> None:
        now = datetime.now(UTC)
        db.add_all(
            Revocation(
                kind=e.kind,
                value=e.value,
                issued_before=e.issued_before,
                expires_at=datetime.fromtimestamp(e.expires_at, UTC),
                created_at=now,
            )
            for e in events
        )
        await db.flush()

    async def since(self, moment: float) -> list[RevocationEvent]:
        async with self._sessionmaker() as db:
            rows = await db.scalars(
                select(Revocation).where(
                    Revocation.created_at >= datetime.fromtimestamp(moment, UTC)
                )
            )
            return [
                RevocationEvent(r.kind, r.value, r.issued_before, r.expires_at.timestamp())
                for r in rows
            ]

    async def prune(self, now: float) -> None:
        async with self._sessionmaker() as db:
            await db.execute(
                delete(Revocation).where(Revocation.expires_at < datetime.fromtimestamp(now, UTC))
            )
            await db.commit()

    async def close(self) -> None:
        return None


class RedisRevocationStore:
    """Events in a Redis sorted set scored by the time they were made."""

    KEY = "cinepass:revocations"

    def __init__(self, redis: Redis):
        self._redis = redis

    async def publish(self, db: AsyncSession, events: list[RevocationEvent]) -> None:
        now = time.time()
        members = {json.dumps({**asdict(e), "nonce": secrets.token_hex(4)}): now for e in events}
        if members:
            await self._redis.zadd(self.KEY, members)

    async def _members(self, low: float | str, high: float | str) -> list[str]:
        raw = await self._redis.zrangebyscore(self.KEY, low, high)
        return [m.decode() if isinstance(m, bytes) else str(m) for m in raw]

    async def since(self, moment: float) -> list[RevocationEvent]:
        events = []
        for item in await self._members(moment, "+inf"):
            data = json.loads(item)
            data.pop("nonce", None)
            events.append(RevocationEvent(**data))
        return events

    async def prune(self, now: float) -> None:
        # Scores are creation times; an event outlives its creation by at most the token TTL.
        stale = [
            m for m in await self._members("-inf", "+inf") if json.loads(m)["expires_at"] < now
        ]
        if stale:
            await self._redis.zrem(self.KEY, *stale)

    async def close(self) -> None:
        await self._redis.aclose()


class FannedOutRevocationStore:
    """The database as the record, Redis as the fan-out; the database alone while Redis is down.

    After an outage, the first good read from Redis is followed by one read of the database
    from the outage's start, which brings in what other replicas revoked meanwhile.
    """

    def __init__(self, database: DatabaseRevocationStore, redis: RedisRevocationStore):
        self._database = database
        self._redis = redis
        self._outage_since: float | None = None
        # Zero: the first read also reads the database, so a process started after an outage
        # learns what was revoked while Redis was down.
        self._reconciled_at = 0.0

    def _redis_failed(self, action: str, exc: RedisError, moment: float) -> None:
        if self._outage_since is None:
            log.warning(
                "redis unavailable; revocations use the database alone",
                action=action,
                error=f"{type(exc).__name__}: {exc}",
            )
            self._outage_since = moment

    async def publish(self, db: AsyncSession, events: list[RevocationEvent]) -> None:
        await self._database.publish(db, events)
        try:
            await self._redis.publish(db, events)
        except RedisError as exc:
            self._redis_failed("publish", exc, time.time())

    async def since(self, moment: float) -> list[RevocationEvent]:
        try:
            events = await self._redis.since(moment)
        except RedisError as exc:
            self._redis_failed("read", exc, moment)
            return await self._database.since(moment)
        now = time.time()
        catch_up_from = self._outage_since
        if catch_up_from is None and now - self._reconciled_at > _RECONCILE_SECONDS:
            catch_up_from = self._reconciled_at - _OVERLAP_SECONDS
        if catch_up_from is not None:
            if self._outage_since is not None:
                log.info("redis is back; revocations fanned out again")
            events += await self._database.since(min(catch_up_from, moment))
            self._outage_since = None
            self._reconciled_at = now
        return events

    async def prune(self, now: float) -> None:
        await self._database.prune(now)
        try:
            await self._redis.prune(now)
        except RedisError as exc:
            self._redis_failed("prune", exc, now)

    async def close(self) -> None:
        await self._redis.close()


class RevocationList:
    """The in-memory mirror that verification consults, and the loop that keeps it fresh."""

    def __init__(self, store: RevocationStore, *, token_ttl_seconds: int):
        self.store = store
        self._ttl = token_ttl_seconds
        self._exact: dict[tuple[str, str], float] = {}  # (kind, value) -> expires_at
        self._cutoffs: dict[tuple[str, str], tuple[int, float]] = {}  # -> (issued_before, expires)
        self._read_until = 0.0
        self._pruned_at = 0.0

    def event(self, kind: str, value: str) -> RevocationEvent:
        now = time.time()
        return RevocationEvent(kind, value, int(now), now + self._ttl + 60)

    def apply(self, events: Iterable[RevocationEvent]) -> None:
        for e in events:
            if e.kind in (JTI, SESSION):
                self._exact[(e.kind, e.value)] = e.expires_at
            else:
                known = self._cutoffs.get((e.kind, e.value))
                if known is None or known[0] < e.issued_before:
                    self._cutoffs[(e.kind, e.value)] = (e.issued_before, e.expires_at)

    async def revoke(self, db: AsyncSession, events: list[RevocationEvent]) -> None:
        """Record events for every replica and apply them here at once."""
        await self.store.publish(db, events)
        self.apply(events)

    def is_revoked(self, principal: Principal) -> bool:
        if (JTI, principal.jti) in self._exact:
            return True
        if principal.session_id and (SESSION, principal.session_id) in self._exact:
            return True
        for key in ((USER, principal.user_id), (CLIENT, principal.client_id)):
            cutoff = self._cutoffs.get(key)
            if cutoff is not None and principal.issued_at <= cutoff[0]:
                return True
        return False

    async def sync(self) -> None:
        started = time.time()
        self.apply(await self.store.since(self._read_until - _OVERLAP_SECONDS))
        self._read_until = started
        metrics.revocations_synced()

    def _forget(self, now: float) -> None:
        self._exact = {k: exp for k, exp in self._exact.items() if exp >= now}
        self._cutoffs = {k: v for k, v in self._cutoffs.items() if v[1] >= now}

    async def start(self) -> None:
        """Read every event that can still match a live token."""
        self._read_until = time.time() - self._ttl - 60
        await self.sync()

    async def maintain(self) -> None:
        """One round of the background upkeep: read new events, now and then drop old ones."""
        await self.sync()
        now = time.time()
        if now - self._pruned_at > 60:
            self._forget(now)
            await self.store.prune(now)
            self._pruned_at = now
