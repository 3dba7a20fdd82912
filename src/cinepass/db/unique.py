"""Unique-constraint races: a savepoint around the change, or an INSERT that does nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import Base


async def unless_taken(db: AsyncSession, change: Callable[[], object]) -> bool:
    """Make `change` (an insert, or new values on a loaded row) inside a savepoint; False when
    a unique constraint refuses it (a concurrent request wrote the same value first).

    Only the savepoint rolls back: whatever the caller did earlier in its transaction (a user
    created during a provider sign-in, an entry updated) stays, and the caller decides what
    the refusal means (a 409, or the row that won).
    """
    try:
        async with db.begin_nested():
            change()
    except IntegrityError:
        return False
    return True


async def insert_unless_taken(db: AsyncSession, row: Base) -> bool:
    return await unless_taken(db, lambda: db.add(row))


def conflict_insert(db: AsyncSession, model: type[Base]) -> Any:
    """An INSERT on `model` that can say ON CONFLICT DO NOTHING, in the session's database's
    own dialect (both have it): one statement where a savepoint would take three."""
    bind = db.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    return insert(model)
