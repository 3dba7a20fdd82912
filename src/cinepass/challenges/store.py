"""Start a flow's challenge, find it, spend it once. Expired rows are swept as new ones start."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.challenges.models import Challenge, Flow
from cinepass.db.base import utcnow
from cinepass.secrets_digest import secret_digest

HANDLE_PREFIX = "cpc_"
# SECURITY.md row 48: a WebAuthn challenge lives at most 5 minutes; so does a second-factor step.
LIFETIME = timedelta(minutes=5)
_HANDLE_BYTES = 32
_MAX_HANDLE_LENGTH = 128
# Rows this long past their expiry are deleted when a new challenge starts.
_KEPT_AFTER_EXPIRY = timedelta(hours=1)


async def start(
    db: AsyncSession,
    flow: Flow,
    *,
    user_id: str | None = None,
    api_key_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    """A new challenge of `flow`; the raw handle goes only to the client."""
    now = utcnow()
    await db.execute(delete(Challenge).where(Challenge.expires_at < now - _KEPT_AFTER_EXPIRY))
    handle = HANDLE_PREFIX + secrets.token_urlsafe(_HANDLE_BYTES)
    db.add(
        Challenge(
            flow=flow,
            digest=secret_digest(handle),
            user_id=user_id,
            api_key_id=api_key_id,
            data=data or {},
            expires_at=now + LIFETIME,
            created_at=now,
        )
    )
    await db.flush()
    return handle


async def find(db: AsyncSession, handle: str, flow: Flow) -> Challenge | None:
    """The live challenge of `flow` the handle names: None if unknown, of another flow,
    expired or already spent."""
    if not isinstance(handle, str) or not handle.startswith(HANDLE_PREFIX):
        return None
    if len(handle) > _MAX_HANDLE_LENGTH:
        return None
    found = await db.scalar(select(Challenge).where(Challenge.digest == secret_digest(handle)))
    if found is None or found.flow != flow or found.used_at is not None:
        return None
    if found.expires_at <= utcnow():
        return None
    return found


async def spend(db: AsyncSession, challenge: Challenge) -> bool:
    """Mark it used; of two concurrent spends exactly one gets True."""
    spent = await db.execute(
        update(Challenge)
        .where(Challenge.id == challenge.id, Challenge.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return getattr(spent, "rowcount", 0) == 1


async def take(db: AsyncSession, handle: str, flow: Flow) -> Challenge | None:
    """find() and spend() in one: the challenge, now used, or None."""
    found = await find(db, handle, flow)
    if found is None or not await spend(db, found):
        return None
    return found
