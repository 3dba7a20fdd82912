"""The long-lived parts one API process shares: settings, database, keys, hasher."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cinepass.auth.passwords import PasswordHasher
from cinepass.auth.signing_keys import KeyRing
from cinepass.auth.tokens import AccessTokens
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    keys: KeyRing
    tokens: AccessTokens
    hasher: PasswordHasher

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = create_engine(settings)
        sessionmaker = create_sessionmaker(engine)
        keys = KeyRing(sessionmaker, settings.signing_algorithm)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            keys=keys,
            tokens=AccessTokens(
                keys,
                issuer=settings.token_issuer,
                audience=settings.token_audience,
                ttl_seconds=settings.access_token_ttl_seconds,
            ),
            hasher=PasswordHasher(settings.argon2_memory_kib, settings.argon2_time_cost),
        )

    async def start(self) -> None:
        await self.keys.start()
        await self.hasher.dummy_hash()

    async def close(self) -> None:
        await self.engine.dispose()
