"""Setting up who may use an installation: API keys, accounts, and a sign-in for a token.

The one set-up shared by `cinepass up`, the test suite and the benchmarks; keys and accounts
are made through their services, as `cinepass api-keys create` and `cinepass users create` do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.api_keys import service as api_keys_service
from cinepass.auth.passwords import PasswordHasher
from cinepass.client.client import CinepassClient, SignedInTokens
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.users import service as users_service
from cinepass.users.models import Role


@dataclass(frozen=True)
class Account:
    """What a user signs in with."""

    email: str
    password: str


class Provisioner:
    """Creates API keys and accounts in the caller's transaction."""

    def __init__(self, db: AsyncSession, settings: Settings) -> None:
        self._db = db
        self._hasher = PasswordHasher.from_settings(settings)

    async def api_key(self, name: str, scopes: Sequence[str]) -> str:
        """A new key with exactly `scopes`; returns its secret (the database keeps a digest)."""
        created = await api_keys_service.create(self._db, name=name, scopes=scopes)
        return created.token

    async def account(
        self, *, name: str, email: str, password: str, role: Role = Role.USER
    ) -> Account:
        """A new user whose password is hashed with the configured hasher. The operator
        vouches for the address: it counts as verified."""
        await users_service.create(
            self._db,
            name=name,
            email=email,
            password_hash=await self._hasher.hash(password),
            role=role,
            verified=True,
        )
        return Account(email=email, password=password)


@asynccontextmanager
async def provisioning(settings: Settings) -> AsyncIterator[Provisioner]:
    """A Provisioner on the configured database; what it made is committed on exit."""
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as db:
            yield Provisioner(db, settings)
    finally:
        await engine.dispose()


async def sign_in(api_url: str, account: Account, api_key: str) -> SignedInTokens:
    """Sign in over HTTP as any client does; raises `ApiError` when the API refuses."""
    async with CinepassClient(api_url, timeout=30) as client:
        return await client.sign_in(account.email, account.password, api_key)
