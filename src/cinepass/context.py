"""The long-lived parts one API process shares: settings, database, keys, limits, revocations."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cinepass import redis_connections
from cinepass.auth.id_tokens import IdTokenVerifier
from cinepass.auth.passwords import PasswordHasher
from cinepass.auth.rate_limits import AbuseLimits
from cinepass.auth.revocation import (
    DatabaseRevocationStore,
    FannedOutRevocationStore,
    RedisRevocationStore,
    RevocationList,
    RevocationStore,
)
from cinepass.auth.signing_keys import KeyRing
from cinepass.auth.tokens import AccessTokens
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.key_encryption import KeyDecryptionError, KeyEncryption

log = structlog.get_logger(__name__)


def revocation_store(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> RevocationStore:
    database = DatabaseRevocationStore(sessionmaker)
    if settings.redis.url:
        redis = redis_connections.connect(settings.redis.url)
        return FannedOutRevocationStore(database, RedisRevocationStore(redis))
    return database


@asynccontextmanager
async def operator_session(
    settings: Settings,
) -> AsyncIterator[tuple[RevocationList, AsyncSession]]:
    """A committed session plus a revocation list, for an operator's change made outside the
    API (the CLI): revocations it records reach every API process."""
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    revocations = RevocationList(
        revocation_store(settings, sessionmaker),
        token_ttl_seconds=settings.tokens.access_ttl_seconds,
    )
    try:
        async with session_scope(sessionmaker) as session:
            yield revocations, session
    finally:
        await revocations.store.close()
        await engine.dispose()


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    keys: KeyRing
    tokens: AccessTokens
    hasher: PasswordHasher
    revocations: RevocationList
    limits: AbuseLimits
    id_tokens: IdTokenVerifier
    _upkeep: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = create_engine(settings)
        sessionmaker = create_sessionmaker(engine)
        keys = KeyRing(
            sessionmaker,
            settings.signing_keys.algorithm,
            KeyEncryption.from_settings(settings),
            settings.signing_keys.refresh_seconds,
        )
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            keys=keys,
            tokens=AccessTokens(
                keys,
                issuer=settings.tokens.issuer,
                audience=settings.tokens.audience,
                ttl_seconds=settings.tokens.access_ttl_seconds,
            ),
            hasher=PasswordHasher(
                settings.passwords.argon2_memory_kib, settings.passwords.argon2_time_cost
            ),
            revocations=RevocationList(
                revocation_store(settings, sessionmaker),
                token_ttl_seconds=settings.tokens.access_ttl_seconds,
            ),
            limits=AbuseLimits(settings),
            id_tokens=IdTokenVerifier(settings.oidc.trusted_issuers, settings.oidc.timeout_seconds),
        )

    async def start(self) -> None:
        try:
            await self.keys.start()
        except KeyDecryptionError as exc:
            log.error("cannot start: signing keys do not open", error=exc.message, hint=exc.hint)
            raise
        await self.revocations.start()
        await self.hasher.dummy_hash()
        self._upkeep = asyncio.create_task(self._keep_up(), name="cinepass-upkeep")

    async def _keep_up(self) -> None:
        """Read revocations and signing keys made by other processes, for as long as we run."""
        while True:
            await asyncio.sleep(self.settings.tokens.revocation_poll_seconds)
            try:
                await self.revocations.maintain()
                await self.keys.refresh_if_stale()
            except Exception as exc:  # outlive a database or Redis outage
                log.warning("background upkeep failed", error=f"{type(exc).__name__}: {exc}")

    async def close(self) -> None:
        if self._upkeep is not None:
            self._upkeep.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._upkeep
        await self.revocations.store.close()
        await self.id_tokens.close()
        await self.engine.dispose()
