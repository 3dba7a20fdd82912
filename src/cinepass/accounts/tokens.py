"""Mailed account tokens: issue, spend once, void. Only a token's digest is stored."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.accounts.models import AccountToken, Purpose
from cinepass.db.base import utcnow
from cinepass.secrets_digest import secret_digest

TOKEN_PREFIX = "cpa_"
# 256 random bits; SECURITY.md asks for at least 128.
_TOKEN_BYTES = 32
_MAX_TOKEN_LENGTH = 128

LIFETIMES: dict[Purpose, timedelta] = {
    Purpose.VERIFY_EMAIL: timedelta(hours=24),
    Purpose.CHANGE_EMAIL: timedelta(hours=24),
    Purpose.RESET_PASSWORD: timedelta(minutes=15),
}


async def issue(db: AsyncSession, *, user_id: str, purpose: Purpose, email: str) -> str:
    """A new token for `purpose`, bound to `email`; the raw token goes only into the mail."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
    now = utcnow()
    db.add(
        AccountToken(
            user_id=user_id,
            purpose=purpose,
            digest=secret_digest(token),
            email=email,
            expires_at=now + LIFETIMES[purpose],
            created_at=now,
        )
    )
    await db.flush()
    return token


async def spend(db: AsyncSession, token: str, purposes: set[Purpose]) -> AccountToken | None:
    """The token's row, now used; None if it is unknown, of another purpose, expired, void or
    already used. Of two concurrent spends of one token exactly one wins."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
        return None
    found = await db.scalar(select(AccountToken).where(AccountToken.digest == secret_digest(token)))
    now = utcnow()
    if found is None or found.purpose not in purposes or found.expires_at <= now:
        return None
    spent = await db.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 0) != 1:
        return None
    return found


async def void(db: AsyncSession, user_id: str, purposes: set[Purpose] | None = None) -> None:
    """Every unused token of the user (of `purposes`, else of all) stops working."""
    query = update(AccountToken).where(
        AccountToken.user_id == user_id, AccountToken.used_at.is_(None)
    )
    if purposes is not None:
        query = query.where(AccountToken.purpose.in_(purposes))
    await db.execute(query.values(used_at=utcnow()))
