"""The operator's view of the queue: list mail, and send failed mail again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.errors import Conflict, NotFound
from cinepass.mail.models import OutgoingMail


async def list_mail(
    db: AsyncSession, *, failed_only: bool = False, limit: int = 50
) -> Sequence[OutgoingMail]:
    """The newest mail first."""
    query = select(OutgoingMail).order_by(OutgoingMail.created_at.desc()).limit(limit)
    if failed_only:
        query = query.where(OutgoingMail.failed_at.is_not(None))
    return (await db.scalars(query)).all()


async def retry(db: AsyncSession, mail_id: str) -> OutgoingMail:
    """Make a failed or waiting mail due now; a failed one gets its attempts back."""
    mail = await db.get(OutgoingMail, mail_id)
    if mail is None:
        raise NotFound(f"there is no mail {mail_id}")
    if mail.sent_at is not None:
        raise Conflict(f"mail {mail_id} was sent already (its message is gone)")
    if mail.failed_at is not None:
        mail.failed_at = None
        mail.attempts = 0
    mail.next_attempt_at = utcnow()
    await db.flush()
    return mail


async def retry_failed(db: AsyncSession) -> int:
    """Make every failed mail due now, with its attempts back; how many there were."""
    result = await db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.failed_at.is_not(None), OutgoingMail.sent_at.is_(None))
        .values(failed_at=None, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count: int = getattr(result, "rowcount", 0)
    return count
