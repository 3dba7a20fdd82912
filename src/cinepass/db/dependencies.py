"""The request's database session, for any route that reads or writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass.db.engine import session_scope


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed before the response is sent."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with session_scope(sessionmaker) as db:
        yield db


# scope="function": commit before the response leaves, so an acknowledged write is durable.
DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]
