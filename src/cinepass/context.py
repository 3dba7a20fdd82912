"""The long-lived parts one API process shares: settings, database, events, the sign-in
service with its keys, limits and revocations, and the mailer with its background delivery."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

import structlog
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

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
from cinepass.auth.service import AuthService, SessionLifetimes
from cinepass.auth.signing_keys import KeyRing
from cinepass.auth.tokens import AccessTokens
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker
from cinepass.events import Events
from cinepass.key_encryption import KeyDecryptionError, KeyEncryption
from cinepass.mail.delivery import MailDelivery
from cinepass.mail.outbox import Mailer
from cinepass.movies.listing import Listing
from cinepass.movies.pages import page_reader
from cinepass.page_cache.store import PageCache
from cinepass.page_cache.watch import CatalogueWatch

log = structlog.get_logger(__name__)


def revocation_list(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> RevocationList:
    """Revocations recorded in the database and, with Redis, fanned out through it."""
    database = DatabaseRevocationStore(sessionmaker)
    store: RevocationStore = database
    if settings.redis.url:
        redis = redis_connections.connect(settings.redis.url)
        store = FannedOutRevocationStore(database, RedisRevocationStore(redis))
    return RevocationList(store, token_ttl_seconds=settings.tokens.access_ttl_seconds)


@dataclass
class AppContext:
    """Built once per process by `create_app`'s lifespan; routes reach its parts through
    dependencies (`DbSession`, `AuthDep`, `ContextDep`)."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    events: Events
    auth: AuthService
    mailer: Mailer
    mail_delivery: MailDelivery
    # Seals what must be readable again but not from a copy of the database (TOTP secrets).
    encryption: KeyEncryption
    # The catalogue's pages, with this process's cache of them and what keeps it fresh.
    listing: Listing
    catalogue_watch: CatalogueWatch | None
    _upkeep: asyncio.Task[None] | None = field(default=None, repr=False)
    _watching: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = create_engine(settings)
        # A Session class of this process's own, for the page cache to hear its commits.
        session_class = type("ApiSession", (Session,), {})
        sessionmaker = create_sessionmaker(engine, session_class)
        events = Events()
        # One set of key-encryption keys seals the signing keys and the queued mail.
        encryption = KeyEncryption.from_settings(settings)
        keys = KeyRing(
            sessionmaker,
            settings.signing_keys.algorithm,
            encryption,
            settings.signing_keys.refresh_seconds,
        )
        auth = AuthService(
            tokens=AccessTokens(
                keys,
                issuer=settings.tokens.issuer,
                audience=settings.tokens.audience,
                ttl_seconds=settings.tokens.access_ttl_seconds,
                remember_verified=settings.cache.enabled,
            ),
            keys=keys,
            hasher=PasswordHasher.from_settings(settings),
            limits=AbuseLimits(settings),
            revocations=revocation_list(settings, sessionmaker),
            id_tokens=IdTokenVerifier(settings.oidc.trusted_issuers, settings.oidc.timeout_seconds),
            events=events,
            lifetimes=SessionLifetimes(
                normal=timedelta(seconds=settings.tokens.refresh_ttl_seconds),
                remembered=timedelta(seconds=settings.tokens.remember_me_ttl_seconds),
            ),
            signup_requires_api_key=settings.limits.signup_requires_api_key,
            admin_requires_mfa=settings.second_factor.admin_requires_mfa,
        )
        mailer = Mailer.from_settings(settings, encryption)
        delivery = MailDelivery.from_settings(settings, sessionmaker, encryption)
        watch: CatalogueWatch | None = None
        cache: PageCache | None = None
        if settings.cache.enabled:
            cache = PageCache(
                settings.cache.max_bytes, confirm_seconds=2 * settings.cache.poll_seconds
            )
            watch = CatalogueWatch(cache, engine, settings.cache.poll_seconds)
            watch.watch_sessions(session_class)
        listing = Listing(page_reader(settings, engine), cache)
        return cls(
            settings,
            engine,
            sessionmaker,
            events,
            auth,
            mailer,
            delivery,
            encryption,
            listing,
            watch,
        )

    async def start(self) -> None:
        auth = self.auth
        try:
            await auth.keys.start()
        except KeyDecryptionError as exc:
            log.error("cannot start: signing keys do not open", error=exc.message, hint=exc.hint)
            raise
        await auth.revocations.start()
        await auth.hasher.dummy_hash()
        self._upkeep = asyncio.create_task(self._keep_up(), name="cinepass-upkeep")
        if self.catalogue_watch is not None:
            self._watching = asyncio.create_task(
                self.catalogue_watch.run(), name="cinepass-catalogue-watch"
            )
        await self.mail_delivery.start()

    async def _keep_up(self) -> None:
        """Read revocations and signing keys made by other processes, for as long as we run."""
        while True:
            await asyncio.sleep(self.settings.tokens.revocation_poll_seconds)
            try:
                await self.auth.revocations.maintain()
                await self.auth.keys.refresh_if_stale()
            except Exception as exc:  # outlive a database or Redis outage
                log.warning("background upkeep failed", error=f"{type(exc).__name__}: {exc}")

    async def close(self) -> None:
        await self.mail_delivery.close()
        for task in (self._upkeep, self._watching):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.listing.close()
        await self.auth.revocations.store.close()
        await self.auth.id_tokens.close()
        await self.engine.dispose()


async def get_context(request: Request) -> AppContext:
    # async, so that FastAPI does not send this one-liner to a worker thread per request
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]
