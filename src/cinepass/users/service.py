"""Creating, finding, disabling and deleting users."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db.base import utcnow
from cinepass.db.unique import insert_unless_taken
from cinepass.errors import Conflict, NotFound
from cinepass.events import Events, UserDeleted, UserDisabled, UserEnabled, UserRoleChanged
from cinepass.text import nfc
from cinepass.users.models import Role, User

# The column's length: no longer email can name an account.
MAX_EMAIL_LENGTH = 320


def normalise_email(email: str) -> str:
    """The one spelling of an email we store and compare: NFC, no blanks around, IDNA domain.

    Every path that takes an email (sign-up, sign-in, the sign-in limits, provider sign-in, the
    CLI) goes through here, so " Ana@X", "ana@x\t" and a decomposed "n\u0303" name one account.
    """
    text = nfc(email).strip()
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return text


def email_key(email: str) -> str:
    """What identifies an account: the normalised email, lower-cased (unique on every database)."""
    return normalise_email(email).lower()


async def get_by_email(db: AsyncSession, email: str) -> User | None:
    key = email_key(email)
    # Accounts made before this normalisation hold `strip().lower()` of what was typed, which
    # differs from `key` only for a punycode domain or a decomposed local part.
    legacy = email.strip().lower()
    found = (await db.scalars(select(User).where(User.email_key.in_({key, legacy})))).all()
    return next((u for u in found if u.email_key == key), found[0] if found else None)


async def get(db: AsyncSession, user_id: str) -> User | None:
    return await db.get(User, user_id)


async def create(
    db: AsyncSession,
    *,
    name: str,
    email: str,
    password_hash: str | None,
    role: Role = Role.USER,
    verified: bool = False,
) -> User:
    """Insert a user; an email already taken (in any letter case) raises Conflict.

    `verified`: the address is proved already (an operator or a provider vouches for it)."""
    now = utcnow()
    user = User(
        name=name.strip(),
        email=normalise_email(email),
        email_key=email_key(email),
        password_hash=password_hash,
        role=role,
        disabled=False,
        created_at=now,
        email_verified_at=now if verified else None,
    )
    # A savepoint, so that losing a race to the same email undoes this insert alone, not the
    # caller's earlier work in the transaction.
    if not await insert_unless_taken(db, user):
        raise Conflict("a user with that email already exists")
    return user


async def _existing(db: AsyncSession, email: str) -> User:
    user = await get_by_email(db, email)
    if user is None:
        raise NotFound(f"no user {email}")
    return user


async def set_disabled(db: AsyncSession, email: str, disabled: bool, *, events: Events) -> User:
    """Disable (or enable again) an account; disabling publishes UserDisabled, whose
    subscribers end its sessions."""
    user = await _existing(db, email)
    await _set_disabled(db, user, disabled, events)
    return user


async def _set_disabled(db: AsyncSession, user: User, disabled: bool, events: Events) -> None:
    was_disabled, user.disabled = user.disabled, disabled
    if disabled:
        # Again if it was already: a repeat finishes what an interrupted one started.
        await events.publish(UserDisabled(user_id=user.id), db)
    elif was_disabled:
        await events.publish(UserEnabled(user_id=user.id), db)


async def _other_enabled_admins(db: AsyncSession, user_id: str) -> int:
    # Locked (PostgreSQL), so that two admins demoting each other at once cannot both pass: the
    # second waits for the first and counts again.
    others = await db.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.disabled.is_(False), User.id != user_id)
        .with_for_update()
    )
    return len(others.all())


async def change(
    db: AsyncSession,
    user_id: str,
    *,
    acting_user_id: str,
    events: Events,
    disabled: bool | None = None,
    role: Role | None = None,
) -> User:
    """An admin's change to another account: disable or enable it, or change its role.

    Nobody disables or demotes themselves, and the last enabled admin stays one: cinepass is
    never left without someone who can administer it.
    """
    user = await get(db, user_id)
    if user is None:
        raise NotFound("no such user")
    losing_admin = (
        user.role is Role.ADMIN and not user.disabled and (disabled is True or role is Role.USER)
    )
    if losing_admin and user.id == acting_user_id:
        raise Conflict("you cannot disable or demote yourself; ask another admin")
    if losing_admin and await _other_enabled_admins(db, user.id) == 0:
        raise Conflict("this is the last enabled admin; make another admin first")
    if role is not None and role != user.role:
        user.role = role
        await events.publish(UserRoleChanged(user_id=user.id, role=role.value), db)
    if disabled is not None:
        await _set_disabled(db, user, disabled, events)
    return user


async def delete(db: AsyncSession, email: str, *, events: Events) -> User:
    """Delete an account and what it owns (its list, sessions and identities cascade)."""
    user = await _existing(db, email)
    await events.publish(UserDeleted(user_id=user.id), db)
    await db.delete(user)
    await db.flush()
    return user
