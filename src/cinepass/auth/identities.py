"""Third-party identities: sign in by (issuer, subject), link, list, unlink."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.auth.models import Identity
from cinepass.config import TrustedIssuer
from cinepass.db.base import utcnow
from cinepass.db.unique import insert_unless_taken
from cinepass.errors import BadRequest, Conflict, NotFound, Unauthenticated
from cinepass.text import display_line
from cinepass.users import service as users_service
from cinepass.users.models import User


async def _find(db: AsyncSession, issuer: str, subject: str) -> Identity | None:
    return await db.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )


def verified_email(claims: dict[str, Any]) -> str | None:
    """The ID token's email if its provider vouches for it (OIDC Core 5.1), else None.

    Anyone can type any address into a provider's sign-up form; only `email_verified: true`
    says the provider checked it belongs to this account. Some providers send it as a string.
    """
    email, verified = claims.get("email"), claims.get("email_verified")
    if not isinstance(email, str) or not email.strip():
        return None
    if verified is True or (isinstance(verified, str) and verified.lower() == "true"):
        return email
    return None


def _identity(user_id: str, issuer: TrustedIssuer, claims: dict[str, Any]) -> Identity:
    email = verified_email(claims)
    return Identity(
        user_id=user_id,
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=email[:320] if email else None,
        provider=issuer.provider,
        created_at=utcnow(),
    )


def _display_name(claimed: object, fallback: str) -> str:
    """The provider's name for the user, held to the rules of a typed one, else `fallback`."""
    for candidate in (claimed, fallback):
        try:
            name = display_line(str(candidate or "").strip()[:100])
        except ValueError:
            continue
        if name:
            return name
    return "Member"


async def linked_user(db: AsyncSession, claims: dict[str, Any]) -> User | None:
    """The user this provider account is linked to; None on its first sign-in."""
    found = await _find(db, str(claims["iss"]), str(claims["sub"]))
    if found is None:
        return None
    user = await users_service.get(db, found.user_id)
    if user is None or user.disabled:
        raise Unauthenticated("the account is disabled", challenge="")
    return user


async def create_user(db: AsyncSession, issuer: TrustedIssuer, claims: dict[str, Any]) -> User:
    """A new account for this provider account, holding its email only if the provider verified it.

    A matching email never links to an existing account: its owner links while signed in.
    """
    if not isinstance(claims.get("email"), str) or not claims["email"].strip():
        raise BadRequest("the provider did not share an email address")
    email = verified_email(claims)
    if email is None:
        # Taking it anyway would let a provider account squat an address before its owner.
        raise BadRequest(
            "the sign-in provider has not verified your email address: verify it there and"
            " try again, or sign up with a password"
        )
    if await users_service.get_by_email(db, email) is not None:
        raise Conflict(
            "an account with this email already exists: sign in with your password,"
            " then link this provider from your account page"
        )
    name = _display_name(claims.get("name"), fallback=email.split("@")[0])
    # The provider vouched for the address: it counts as proved.
    user = await users_service.create(db, name=name, email=email, password_hash=None, verified=True)
    if not await insert_unless_taken(db, _identity(user.id, issuer, claims)):
        raise Conflict("this provider account was just linked; try again")
    return user


async def link(
    db: AsyncSession, user_id: str, issuer: TrustedIssuer, claims: dict[str, Any]
) -> tuple[Identity, bool]:
    """Link a provider account to a signed-in user; (identity, created)."""
    found = await _find(db, str(claims["iss"]), str(claims["sub"]))
    if found is not None:
        if found.user_id != user_id:
            raise Conflict("this provider account is linked to another user")
        return found, False
    identity = _identity(user_id, issuer, claims)
    if not await insert_unless_taken(db, identity):
        raise Conflict("this provider account is linked to another user")
    user = await users_service.get(db, user_id)
    if (
        user is not None
        and identity.email is not None
        and users_service.email_key(identity.email) == user.email_key
    ):
        # A provider that vouches for the account's own address proves it too.
        user.email_verified_at = user.email_verified_at or utcnow()
    return identity, True


async def list_for(db: AsyncSession, user_id: str) -> Sequence[Identity]:
    return (
        await db.scalars(
            select(Identity).where(Identity.user_id == user_id).order_by(Identity.created_at)
        )
    ).all()


async def unlink(db: AsyncSession, user_id: str, identity_id: str) -> None:
    identity = await db.get(Identity, identity_id)
    if identity is None or identity.user_id != user_id:
        raise NotFound("no such linked account")
    user = await users_service.get(db, user_id)
    others = await db.scalar(
        select(func.count())
        .select_from(Identity)
        .where(Identity.user_id == user_id, Identity.id != identity_id)
    )
    if user is not None and user.password_hash is None and not others:
        raise Conflict("this is your only way to sign in: link another provider first")
    await db.delete(identity)
    await db.flush()
