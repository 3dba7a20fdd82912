"""What happened, for whoever must react: frozen event types and a small in-process dispatcher.

Services publish; subscribers are registered where the app is composed (`cinepass.api`), so
cross-cutting work (ending sessions when an account is disabled, and later mail and audit) stays
out of the domain that publishes. A subscriber gets the publisher's database session and runs in
its transaction: what it writes commits or rolls back with the change that caused it.

This module imports no domain: events carry ids and plain values, never models.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Event:
    """The base of every event."""


@dataclass(frozen=True, slots=True)
class UserSignedUp(Event):
    user_id: str


@dataclass(frozen=True, slots=True)
class SignUpOfTakenEmail(Event):
    """Someone tried to sign up with the address of an existing account."""

    user_id: str


@dataclass(frozen=True, slots=True)
class EmailChanged(Event):
    user_id: str
    old_email: str


@dataclass(frozen=True, slots=True)
class SignedIn(Event):
    user_id: str
    api_key_id: str
    session_id: str
    # The provider's issuer for a third-party sign-in; None for a password.
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class SignInFailed(Event):
    """Published just before the refusal is raised: a subscriber may end the transaction
    (the audit trail rolls it back and commits its record of the failure alone)."""

    # The account's email key, whether or not an account has it.
    account: str
    address: str
    # Why, for the audit trail (never for the client): see FailureReason.
    reason: str = "wrong_password"
    user_id: str | None = None


class FailureReason(enum.StrEnum):
    """Why a sign-in (or a check that is one in disguise) failed."""

    UNKNOWN_ACCOUNT = "unknown_account"
    ACCOUNT_DISABLED = "account_disabled"
    WRONG_PASSWORD = "wrong_password"
    WRONG_CURRENT_PASSWORD = "wrong_current_password"
    WRONG_SECOND_FACTOR = "wrong_second_factor"


@dataclass(frozen=True, slots=True)
class SignInLockedOut(Event):
    """Sign-in refused before the password was checked: too many failures. Published just
    before the refusal is raised, as SignInFailed."""

    account: str
    address: str


@dataclass(frozen=True, slots=True)
class TokenRefreshed(Event):
    user_id: str
    api_key_id: str
    session_id: str


@dataclass(frozen=True, slots=True)
class RefreshTokenReused(Event):
    """A rotated refresh token came back: its session ends (someone may hold a copy)."""

    session_id: str | None
    user_id: str | None


@dataclass(frozen=True, slots=True)
class EmailVerified(Event):
    user_id: str


@dataclass(frozen=True, slots=True)
class PasswordChanged(Event):
    user_id: str
    # The access token that made the change, which ends with the account's sessions.
    token_id: str | None = None
    # Set through a mailed reset link rather than with the current password.
    reset: bool = False


@dataclass(frozen=True, slots=True)
class SessionEnded(Event):
    session_id: str
    # The access token that asked for it (signing out), which ends with it.
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignedOutEverywhere(Event):
    user_id: str
    # The access token that asked, which ends with the account's sessions.
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyRevoked(Event):
    api_key_id: str


@dataclass(frozen=True, slots=True)
class ApiKeyCreated(Event):
    api_key_id: str
    name: str


@dataclass(frozen=True, slots=True)
class UserDisabled(Event):
    user_id: str


@dataclass(frozen=True, slots=True)
class UserEnabled(Event):
    user_id: str


@dataclass(frozen=True, slots=True)
class UserRoleChanged(Event):
    user_id: str
    role: str


@dataclass(frozen=True, slots=True)
class MoviesImported(Event):
    created: int
    updated: int = 0


@dataclass(frozen=True, slots=True)
class UserDeleted(Event):
    user_id: str


@dataclass(frozen=True, slots=True)
class SigningKeyRotated(Event):
    kid: str


@dataclass(frozen=True, slots=True)
class MovieCreated(Event):
    movie_id: str
    title: str


@dataclass(frozen=True, slots=True)
class MovieUpdated(Event):
    movie_id: str


@dataclass(frozen=True, slots=True)
class MovieDeleted(Event):
    movie_id: str


class MethodChange(enum.StrEnum):
    """A change to how an account signs in, which its owner is told of."""

    SECOND_FACTOR_ON = "second_factor_on"
    SECOND_FACTOR_OFF = "second_factor_off"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    PROVIDER_LINKED = "provider_linked"
    PROVIDER_UNLINKED = "provider_unlinked"


@dataclass(frozen=True, slots=True)
class SignInMethodsChanged(Event):
    user_id: str
    change: MethodChange


E = TypeVar("E", bound=Event)
Subscriber = Callable[[E, AsyncSession], Awaitable[None]]


class Events:
    """Subscribers by event type; `publish` awaits each in the order they subscribed."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[type[Event], list[Subscriber[Any]]] = defaultdict(list)

    def subscribe(self, kind: type[E], subscriber: Subscriber[E]) -> None:
        self._subscribers[kind].append(subscriber)

    async def publish(self, event: Event, db: AsyncSession) -> None:
        # A subscriber's failure propagates: the caller's transaction, and its change, roll back.
        for subscriber in self._subscribers[type(event)]:
            await subscriber(event, db)
