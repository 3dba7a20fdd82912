"""Sessions and their refresh tokens: start, rotate with reuse detection, end."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.auth.models import RefreshToken, UserSession
from cinepass.db.base import utcnow
from cinepass.secrets_digest import secret_digest

REFRESH_PREFIX = "cpr_"
_MAX_TOKEN_LENGTH = 256


@dataclass(frozen=True)
class Issued:
    session: UserSession
    refresh_token: str | None


class RefreshRejected(Exception):
    """The refresh token is unknown, used, expired or its session ended."""

    def __init__(self, reason: str, *, reused: bool = False):
        self.reason = reason
        self.reused = reused
        super().__init__(reason)


async def _new_refresh_token(db: AsyncSession, session_id: str) -> str:
    token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    db.add(
        RefreshToken(
            session_id=session_id,
            digest=secret_digest(token),
            created_at=utcnow(),
        )
    )
    await db.flush()
    return token


async def start(
    db: AsyncSession,
    *,
    user_id: str,
    api_key_id: str,
    remember_me: bool,
    lifetime: timedelta,
    offline: bool = True,
    user_agent: str | None = None,
    amr: str = "pwd",
) -> Issued:
    """A new session whose refresh tokens all end at one absolute time.

    Without `offline` (a key lacking offline_access) the session gets no refresh token: it is
    still recorded, so that signing out or revoking it ends its access token.
    """
    now = utcnow()
    session = UserSession(
        user_id=user_id,
        api_key_id=api_key_id,
        remember_me=remember_me,
        expires_at=now + lifetime,
        created_at=now,
        user_agent=user_agent,
        last_used_at=now,
        amr=amr,
    )
    db.add(session)
    await db.flush()
    refresh_token = await _new_refresh_token(db, session.id) if offline else None
    return Issued(session=session, refresh_token=refresh_token)


async def rotate(db: AsyncSession, token: str) -> Issued:
    """Spend a refresh token for a new one in the same session.

    Presenting a token that was already spent means it leaked: the caller ends the session.
    """
    if not token.startswith(REFRESH_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
        raise RefreshRejected("invalid refresh token")
    found = await db.scalar(select(RefreshToken).where(RefreshToken.digest == secret_digest(token)))
    if found is None:
        raise RefreshRejected("invalid refresh token")
    session = await db.get(UserSession, found.session_id)
    if session is None or session.revoked_at is not None:
        raise RefreshRejected("the session has ended")
    if session.expires_at <= utcnow():
        raise RefreshRejected("the session has expired; sign in again")
    # Spend atomically: of two concurrent uses, exactly one wins; the other is a reuse.
    spent = await db.execute(
        update(RefreshToken)
        .where(RefreshToken.id == found.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise RefreshRejected("refresh token reuse detected; the session has ended", reused=True)
    session.last_used_at = utcnow()
    return Issued(session=session, refresh_token=await _new_refresh_token(db, session.id))


async def end(db: AsyncSession, session_id: str) -> None:
    await db.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def end_all(
    db: AsyncSession, *, user_id: str | None = None, api_key_id: str | None = None
) -> list[str]:
    """End every live session of a user or of an API key; returns their ids."""
    query = select(UserSession.id).where(UserSession.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(UserSession.user_id == user_id)
    if api_key_id is not None:
        query = query.where(UserSession.api_key_id == api_key_id)
    ids = list((await db.scalars(query)).all())
    if ids:
        await db.execute(
            update(UserSession).where(UserSession.id.in_(ids)).values(revoked_at=utcnow())
        )
    return ids


async def active(db: AsyncSession, user_id: str) -> Sequence[UserSession]:
    """A user's live sessions (neither ended nor expired), newest first."""
    found = await db.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
        .order_by(UserSession.created_at.desc())
    )
    return found.all()


async def session_of(db: AsyncSession, token: str) -> str | None:
    found = await db.scalar(select(RefreshToken).where(RefreshToken.digest == secret_digest(token)))
    return found.session_id if found else None


async def owner_of(db: AsyncSession, session_id: str) -> str | None:
    """The user whose session this is, or None."""
    session = await db.get(UserSession, session_id)
    return session.user_id if session else None
