"""Creating, finding, listing and revoking API keys."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import scopes as scope_names
from cinepass.api_keys.models import ApiKey
from cinepass.db.base import utcnow
from cinepass.errors import BadRequest, NotFound
from cinepass.events import ApiKeyCreated, ApiKeyRevoked, Events
from cinepass.secrets_digest import secret_digest

TOKEN_PREFIX = "cpk_"
_DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
_MAX_TOKEN_LENGTH = 256
# A key's last use is kept to the minute: the render server's one key signs in every user, and
# writing its row on each sign-in made them all wait, one by one, for that row's lock.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    token: str


async def create(
    db: AsyncSession, *, name: str, scopes: Sequence[str], events: Events | None = None
) -> CreatedKey:
    if not name.strip():
        raise BadRequest("an API key needs a name")
    unknown = scope_names.unknown_scopes(scopes)
    if unknown:
        raise BadRequest(f"unknown scopes: {', '.join(unknown)}")
    if not scopes:
        raise BadRequest("an API key needs at least one scope")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ordered = [s for s in scope_names.ALL_SCOPES if s in set(scopes)]
    key = ApiKey(
        name=name.strip(),
        prefix=token[:_DISPLAY_PREFIX_LENGTH],
        digest=secret_digest(token),
        scopes=" ".join(ordered),
        created_at=utcnow(),
    )
    db.add(key)
    await db.flush()
    if events is not None:
        await events.publish(ApiKeyCreated(api_key_id=key.id, name=key.name), db)
    return CreatedKey(key=key, token=token)


async def find_active(db: AsyncSession, token: str) -> ApiKey | None:
    """The unrevoked key whose secret this is, or None; records when it was last used."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    wanted = secret_digest(token)
    key = await db.scalar(select(ApiKey).where(ApiKey.digest == wanted))
    if key is None or not hmac.compare_digest(key.digest, wanted) or key.revoked_at is not None:
        return None
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        key.last_used_at = now
    return key


async def list_keys(db: AsyncSession) -> Sequence[ApiKey]:
    return (await db.scalars(select(ApiKey).order_by(ApiKey.created_at))).all()


async def revoke(db: AsyncSession, key_id: str, *, events: Events) -> ApiKey:
    """Revoke a key; ApiKeyRevoked's subscribers end every session and access token it backs
    (again, if it was revoked already: a repeat finishes what an interrupted one started)."""
    key = await db.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"no API key {key_id}")
    if key.revoked_at is None:
        await db.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=utcnow()))
        await db.refresh(key)
    await events.publish(ApiKeyRevoked(api_key_id=key.id), db)
    return key
