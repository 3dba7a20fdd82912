"""Abuse limits on sign-in failures, sign-up and refresh, counted with the `limits` library.

Counters live in Redis when CINEPASS_REDIS_URL is set (shared by every replica), otherwise in
this process's memory.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from cinepass.config import Settings
from cinepass.errors import TooManyRequests


def _storage(settings: Settings) -> Storage:
    if settings.redis_url:
        return RedisStorage(
            settings.redis_url, implementation="redispy", key_prefix="cinepass:limits"
        )
    return MemoryStorage()


class AbuseLimits:
    def __init__(self, settings: Settings):
        self._storage = _storage(settings)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._per_account: RateLimitItem = parse(settings.signin_failures_per_account)
        self._per_address: RateLimitItem = parse(settings.signin_failures_per_address)
        self._signup: RateLimitItem = parse(settings.signup_per_address)
        self._refresh: RateLimitItem = parse(settings.refresh_per_address)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._limiter.get_window_stats(item, *identifiers)
        return math.ceil(stats.reset_time - time.time())

    async def _refuse_if_spent(
        self, message: str, *checks: tuple[RateLimitItem, tuple[str, ...]]
    ) -> None:
        for item, identifiers in checks:
            if not await self._limiter.test(item, *identifiers):
                raise TooManyRequests(message, await self._retry_after(item, *identifiers))

    async def before_sign_in(self, account: str, address: str) -> None:
        """Refuse, before any password check, once failures passed the limit."""
        await self._refuse_if_spent(
            "too many failed sign-ins; try again later",
            (self._per_account, ("signin-account", account.lower())),
            (self._per_address, ("signin-address", address)),
        )

    async def sign_in_failed(self, account: str, address: str) -> None:
        await self._limiter.hit(self._per_account, "signin-account", account.lower())
        await self._limiter.hit(self._per_address, "signin-address", address)

    async def _spend(self, item: RateLimitItem, name: str, address: str, message: str) -> None:
        if not await self._limiter.hit(item, name, address):
            raise TooManyRequests(message, await self._retry_after(item, name, address))

    async def sign_up(self, address: str) -> None:
        await self._spend(self._signup, "signup", address, "too many sign-ups; try again later")

    async def refresh(self, address: str) -> None:
        await self._spend(self._refresh, "refresh", address, "too many refreshes; try again later")

    async def check(self) -> bool:
        return await self._storage.check()
