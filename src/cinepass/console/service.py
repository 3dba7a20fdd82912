"""What the admin console does, over the services the CLI uses: users, sessions, API keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import base64url
from cinepass.api_keys import service as api_keys_service
from cinepass.api_keys.models import ApiKey
from cinepass.auth import sessions
from cinepass.auth.models import UserSession
from cinepass.auth.service import AuthService
from cinepass.auth.tokens import Principal
from cinepass.console.schemas import AdminUserOut, ApiKeyCreate
from cinepass.errors import BadRequest, Conflict, NotFound
from cinepass.events import Events, SignedOutEverywhere
from cinepass.passkeys.models import Passkey
from cinepass.text import search_key
from cinepass.users import service as users_service
from cinepass.users.models import User

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Users read per query while a search walks the table.
_BATCH = 500


@dataclass(frozen=True)
class UserPage:
    users: list[AdminUserOut]
    next_cursor: str | None


def _decode_cursor(cursor: str) -> str:
    try:
        after = base64url.decode(cursor).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("invalid cursor; use the 'next' value of the previous page") from None
    if not after or len(after) > 320 or "\x00" in after:
        raise BadRequest("invalid cursor; use the 'next' value of the previous page")
    return after


def _matches(user: User, wanted: str) -> bool:
    return wanted in search_key(user.name) or wanted in search_key(user.email)


async def search_users(
    db: AsyncSession, *, q: str | None, limit: int, cursor: str | None
) -> UserPage:
    """One page of users in email order; `q` a part of the name or email, compared as title
    search compares (case and accents aside: "jose" finds "José", "ÑANDÚ" finds "ñandú").

    The comparison runs in Python, as SQLite folds ASCII letters only: a search walks the table
    in email order, in batches, until the page is full.
    """
    wanted = search_key(q.strip()) if q and q.strip() else None
    after = _decode_cursor(cursor) if cursor is not None else None
    found: list[User] = []
    while len(found) <= limit:
        query = select(User).order_by(User.email_key).limit(_BATCH)
        if after is not None:
            query = query.where(User.email_key > after)
        batch = (await db.scalars(query)).all()
        found += [u for u in batch if wanted is None or _matches(u, wanted)]
        if len(batch) < _BATCH:
            break
        after = batch[-1].email_key
    page = found[:limit]
    more = len(found) > limit
    next_cursor = base64url.encode(page[-1].email_key.encode()) if more and page else None
    return UserPage(await _described(db, page), next_cursor)


async def _described(db: AsyncSession, users: Sequence[User]) -> list[AdminUserOut]:
    counts: dict[str, int] = {}
    if users:
        rows = await db.execute(
            select(Passkey.user_id, func.count())
            .where(Passkey.user_id.in_([u.id for u in users]))
            .group_by(Passkey.user_id)
        )
        counts = {user_id: count for user_id, count in rows}
    return [
        AdminUserOut(
            id=u.id,
            email=u.email,
            name=u.name,
            role=u.role,
            disabled=u.disabled,
            email_verified=u.email_verified,
            created_at=u.created_at,
            second_factor=u.mfa_enabled_at is not None,
            passkeys=counts.get(u.id, 0),
        )
        for u in users
    ]


async def describe_user(db: AsyncSession, user: User) -> AdminUserOut:
    return (await _described(db, [user]))[0]


async def _user(db: AsyncSession, user_id: str) -> User:
    user = await users_service.get(db, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


async def user_sessions(db: AsyncSession, user_id: str) -> Sequence[UserSession]:
    await _user(db, user_id)
    return await sessions.active(db, user_id)


async def end_session(db: AsyncSession, auth: AuthService, user_id: str, session_id: str) -> None:
    """End one session of the user, as its owner signing it out would."""
    session = await db.get(UserSession, session_id)
    if session is None or session.user_id != user_id or session.revoked_at is not None:
        raise NotFound("no such session")
    await auth.end_session(db, session_id)


async def end_sessions(db: AsyncSession, events: Events, user_id: str) -> None:
    """End every session of the user, as its owner signing out everywhere would."""
    await _user(db, user_id)
    await events.publish(SignedOutEverywhere(user_id=user_id), db)


async def create_api_key(
    db: AsyncSession, events: Events, body: ApiKeyCreate
) -> api_keys_service.CreatedKey:
    return await api_keys_service.create(db, name=body.name, scopes=body.scope_list, events=events)


async def revoke_api_key(
    db: AsyncSession, events: Events, principal: Principal, key_id: str
) -> ApiKey:
    """Revoke a key, as `cinepass api-keys revoke` does; never the one the caller signed in with.

    Revoking it would end the caller's own session mid-task, and through the render server it
    would sign every browser out: that is the CLI's to do, deliberately."""
    if key_id == principal.client_id:
        raise Conflict(
            "your access token was issued with this API key: revoke it from the CLI"
            " (cinepass api-keys revoke) or while signed in with another key"
        )
    return await api_keys_service.revoke(db, key_id, events=events)
