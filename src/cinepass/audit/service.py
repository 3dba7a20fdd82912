"""Recording audit events, listing them newest first in keyset pages, and pruning old ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import cursors, request_context
from cinepass.audit.actions import Action, Outcome
from cinepass.audit.models import AuditEvent
from cinepass.db.base import utcnow
from cinepass.errors import BadRequest
from cinepass.users import service as users_service
from cinepass.users.models import User

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# What the CLI records as the actor's "via" when no request is being served.
CLI = "cli"


@dataclass(frozen=True)
class Target:
    type: str
    id: str | None


def new_event(
    action: Action,
    *,
    target: Target | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    reason: str | None = None,
    actor_user_id: str | None = None,
    actor_api_key_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """An event stamped with the request it happened in (id, address, user agent) and its
    verified caller, unless the caller is given; outside a request, the CLI."""
    info = request_context.current()
    actor = request_context.current_actor()
    facts = dict(details or {})
    if info.request_id is None:
        facts.setdefault("via", CLI)
    return AuditEvent(
        at=utcnow(),
        actor_user_id=actor_user_id or actor.user_id,
        actor_api_key_id=actor_api_key_id or actor.api_key_id,
        action=action.value,
        target_type=target.type if target else None,
        target_id=target.id if target else None,
        outcome=outcome.value,
        reason=reason,
        address=info.address,
        user_agent=info.user_agent,
        request_id=info.request_id,
        details=facts,
    )


async def record(db: AsyncSession, event: AuditEvent) -> None:
    db.add(event)
    await db.flush()


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str | None


def _encode(event: AuditEvent) -> str:
    return cursors.encode_cursor(event.at.isoformat(), event.id)


def _decode(cursor: str) -> tuple[datetime, str]:
    at, event_id = cursors.decode_cursor(cursor, 40, 32)
    try:
        return datetime.fromisoformat(at), event_id
    except ValueError:
        raise BadRequest(cursors.INVALID_CURSOR) from None


async def find_user_id(db: AsyncSession, user: str) -> str | None:
    """A user's id from their id or email; None when no account has either."""
    if "@" in user:
        found = await users_service.get_by_email(db, user)
    else:
        found = await db.get(User, user)
    return found.id if found else None


async def list_events(
    db: AsyncSession,
    *,
    user_id: str | None = None,
    actions: Sequence[str] = (),
    since: datetime | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> AuditPage:
    """One page, newest first; `user_id` matches the actor or the user the event is about."""
    query = select(AuditEvent)
    if user_id is not None:
        query = query.where(
            or_(
                AuditEvent.actor_user_id == user_id,
                (AuditEvent.target_type == "user") & (AuditEvent.target_id == user_id),
            )
        )
    if actions:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if cursor is not None:
        at, event_id = _decode(cursor)
        query = query.where(
            or_(AuditEvent.at < at, and_(AuditEvent.at == at, AuditEvent.id < event_id))
        )
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
    rows = list((await db.scalars(query)).all())
    more = len(rows) > limit
    events = rows[:limit]
    return AuditPage(events, _encode(events[-1]) if more and events else None)


async def prune(db: AsyncSession, older_than: timedelta) -> int:
    """Delete the events older than the retention: the only way a row leaves the table."""
    result = await db.execute(delete(AuditEvent).where(AuditEvent.at < utcnow() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)
