"""The one way cinepass meets a unique-constraint race: a savepoint around the insert."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import Base


async def insert_unless_taken(db: AsyncSession, row: Base) -> bool:
    """Insert `row` inside a savepoint; False when a constraint refuses it (a concurrent
    request inserted the same unique value first).

    Only the savepoint rolls back: whatever the caller did earlier in its transaction (a user
    created during a provider sign-in, an entry updated) stays, and the caller decides what
    the refusal means (a 409, or the row that won).
    """
    try:
        async with db.begin_nested():
            db.add(row)
    except IntegrityError:
        return False
    return True
