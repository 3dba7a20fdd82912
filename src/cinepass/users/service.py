"""Creating and finding users."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.errors import Conflict
from cinepass.users.models import Role, User


def email_key(email: str) -> str:
    return email.strip().lower()


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email_key == email_key(email)))


async def get(session: AsyncSession, user_id: str) -> User | None:
    return await session.get(User, user_id)


async def create(
    session: AsyncSession,
    *,
    name: str,
    email: str,
    password_hash: str | None,
    role: Role = Role.USER,
) -> User:
    """Insert a user; an email already taken (in any letter case) raises Conflict."""
    user = User(
        name=name.strip(),
        email=email.strip(),
        email_key=email_key(email),
        password_hash=password_hash,
        role=role,
        disabled=False,
        created_at=utcnow(),
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise Conflict("a user with that email already exists") from None
    return user
