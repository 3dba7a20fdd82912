"""Abuse limits on sign-in failures, sign-up and refresh, counted with the `limits` library.

Counters live in Redis when CINEPASS_REDIS_URL is set (shared by every replica), otherwise in
this process's memory. While that Redis is unreachable the limited routes answer 503 with
Retry-After rather than go unlimited; the client reconnects by itself once Redis is back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable
from typing import TypeVar

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from cinepass.config import Settings
from cinepass.errors import ServiceUnavailable, TooManyRequests
from cinepass.metrics import instruments as metrics
from cinepass.redis_connections import redis_options

T = TypeVar("T")
log = structlog.get_logger(__name__)

LIMITS_DOWN_MESSAGE = "the rate-limit store is unreachable; try again shortly"


def _storage(settings: Settings) -> Storage:
    if settings.redis.url:
        return RedisStorage(
            settings.redis.url,
            implementation="redispy",
            key_prefix="cinepass:limits",
            wrap_exceptions=True,
            **redis_options(),
        )
    return MemoryStorage()


class AbuseLimits:
    def __init__(self, settings: Settings):
        self._storage = _storage(settings)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._per_account: RateLimitItem = parse(settings.limits.signin_failures_per_account)
        self._per_address: RateLimitItem = parse(settings.limits.signin_failures_per_address)
        self._signup: RateLimitItem = parse(settings.limits.signup_per_address)
        self._refresh: RateLimitItem = parse(settings.limits.refresh_per_address)
        self._passkey: RateLimitItem = parse(settings.limits.passkey_ceremonies_per_address)
        self._mail_per_address: RateLimitItem = parse(settings.limits.account_mail_per_address)
        self._mail_per_account: dict[str, RateLimitItem] = {
            "reset": parse(settings.limits.password_reset_per_account),
            "account": parse(settings.limits.account_mail_per_account),
        }
        self._store_down = False

    async def _counted(self, work: Awaitable[T]) -> T:
        """`work` on the counters, or ServiceUnavailable (503) while their store is down."""
        try:
            result = await work
        except (StorageError, ConnectionError, TimeoutError) as exc:
            if not self._store_down:  # once per outage, not once per request
                cause = exc.storage_error if isinstance(exc, StorageError) else exc
                log.warning("rate-limit store down", error=f"{type(cause).__name__}: {cause}")
                self._store_down = True
            raise ServiceUnavailable(LIMITS_DOWN_MESSAGE) from exc
        if self._store_down:
            log.warning("rate-limit store reachable again")
            self._store_down = False
        return result

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._counted(self._limiter.get_window_stats(item, *identifiers))
        return math.ceil(stats.reset_time - time.time())

    async def _refuse_if_spent(
        self, message: str, *checks: tuple[RateLimitItem, tuple[str, ...]]
    ) -> None:
        for item, identifiers in checks:
            if not await self._counted(self._limiter.test(item, *identifiers)):
                metrics.rate_limited(identifiers[0])
                raise TooManyRequests.after(message, await self._retry_after(item, *identifiers))

    async def before_sign_in(self, account: str, address: str) -> None:
        """Refuse, before any password check, once failures passed the limit."""
        await self._refuse_if_spent(
            "too many failed sign-ins",
            (self._per_account, ("signin-account", account.lower())),
            (self._per_address, ("signin-address", address)),
        )

    async def sign_in_failed(self, account: str, address: str) -> None:
        await self._counted(self._limiter.hit(self._per_account, "signin-account", account.lower()))
        await self._counted(self._limiter.hit(self._per_address, "signin-address", address))

    async def _spend(self, item: RateLimitItem, name: str, address: str, message: str) -> None:
        if not await self._counted(self._limiter.hit(item, name, address)):
            metrics.rate_limited(name)
            raise TooManyRequests.after(message, await self._retry_after(item, name, address))

    async def sign_up(self, address: str) -> None:
        await self._spend(self._signup, "signup", address, "too many sign-ups")

    async def refresh(self, address: str) -> None:
        await self._spend(self._refresh, "refresh", address, "too many refreshes")

    async def passkey_ceremony(self, address: str) -> None:
        """A passkey sign-in started (each stores a challenge), counted per client address."""
        await self._spend(self._passkey, "passkey", address, "too many passkey sign-ins")

    async def mail_request(self, address: str) -> None:
        """A request that may mail someone (reset, resend), counted per client address: 429."""
        await self._spend(
            self._mail_per_address,
            "mail-address",
            address,
            "too many requests for mail",
        )

    async def may_mail(self, kind: str, account: str) -> bool:
        """Whether one more mail of `kind` ("reset" or "account") may go to this account; silent,
        so that the answer is the same whether or not the account exists."""
        return await self._counted(
            self._limiter.hit(self._mail_per_account[kind], f"mail-{kind}", account.lower())
        )

    async def check(self) -> bool:
        """Whether the counters' store answers (always true in memory)."""
        try:
            return await self._storage.check()
        except (StorageError, ConnectionError, TimeoutError):
            return False
