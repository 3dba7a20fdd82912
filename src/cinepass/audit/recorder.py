"""The audit trail's subscribers: each event the domains publish becomes one audit row.

A change is recorded in the transaction that makes it, so the row and the change commit or
roll back together. A refusal (a failed sign-in, a lockout) is published just before the
request fails, which would roll the row back with it: its transaction is rolled back at once
and the row alone committed. (A second session would wait on SQLite for the first's lock.)
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import request_context
from cinepass.audit import service
from cinepass.audit.actions import Action, Outcome
from cinepass.audit.models import AuditEvent
from cinepass.audit.service import Target
from cinepass.events import (
    ApiKeyCreated,
    ApiKeyRevoked,
    EmailChanged,
    EmailVerified,
    Event,
    Events,
    MethodChange,
    MovieCreated,
    MovieDeleted,
    MoviesImported,
    MovieUpdated,
    PasswordChanged,
    RefreshTokenReused,
    SessionEnded,
    SignedIn,
    SignedOutEverywhere,
    SignInFailed,
    SigningKeyRotated,
    SignInLockedOut,
    SignInMethodsChanged,
    TokenRefreshed,
    UserDeleted,
    UserDisabled,
    UserEnabled,
    UserRoleChanged,
    UserSignedUp,
)


def _alert(message: str, **facts: str | None) -> None:
    """A WARNING line with the request id, for whoever alerts on logs. The logger is fetched
    per call: these are rare, and a cached one would miss a reconfiguration."""
    request_id = request_context.current_request_id()
    structlog.get_logger(__name__).warning(message, request_id=request_id, **facts)


_METHOD_ACTIONS = {
    MethodChange.SECOND_FACTOR_ON: Action.MFA_ENABLED,
    MethodChange.SECOND_FACTOR_OFF: Action.MFA_DISABLED,
    MethodChange.RECOVERY_CODES_RENEWED: Action.RECOVERY_CODES_RENEWED,
    MethodChange.PASSKEY_ADDED: Action.PASSKEY_ADDED,
    MethodChange.PASSKEY_REMOVED: Action.PASSKEY_REMOVED,
    MethodChange.PROVIDER_LINKED: Action.IDENTITY_LINKED,
    MethodChange.PROVIDER_UNLINKED: Action.IDENTITY_UNLINKED,
}


def _user(user_id: str | None) -> Target:
    return Target("user", user_id)


class AuditTrail:
    """Subscribes to every event worth an audit row."""

    def subscribe(self, events: Events) -> None:
        for kind in (
            SignedIn,
            UserSignedUp,
            SessionEnded,
            SignedOutEverywhere,
            TokenRefreshed,
            RefreshTokenReused,
            PasswordChanged,
            EmailVerified,
            EmailChanged,
            SignInMethodsChanged,
            ApiKeyCreated,
            ApiKeyRevoked,
            SigningKeyRotated,
            UserDisabled,
            UserEnabled,
            UserDeleted,
            UserRoleChanged,
            MovieCreated,
            MovieUpdated,
            MovieDeleted,
            MoviesImported,
        ):
            events.subscribe(kind, self.in_transaction)
        events.subscribe(SignInFailed, self.refused)
        events.subscribe(SignInLockedOut, self.refused)

    async def in_transaction(self, event: Event, db: AsyncSession) -> None:
        row = audit_row(event)
        if row is not None:
            await service.record(db, row)

    async def refused(self, event: Event, db: AsyncSession) -> None:
        row = audit_row(event)
        if row is None:
            return
        await db.rollback()
        await service.record(db, row)
        await db.commit()


def audit_row(event: Event) -> AuditEvent | None:
    """The row an event is recorded as: ids and plain facts only."""
    match event:
        case SignedIn(user_id, api_key_id, session_id, issuer):
            details: dict[str, Any] = {"sessionId": session_id}
            if issuer:
                details["issuer"] = issuer
            return service.new_event(
                Action.SIGN_IN,
                target=_user(user_id),
                actor_user_id=user_id,
                actor_api_key_id=api_key_id,
                details=details,
            )
        case SignInFailed(account, _address, reason, user_id):
            return service.new_event(
                Action.SIGN_IN_FAILED,
                target=_user(user_id),
                outcome=Outcome.FAILURE,
                reason=reason,
                details={"account": account},
            )
        case SignInLockedOut(account, _address):
            _alert("sign-in locked out", account=account)
            return service.new_event(
                Action.LOCKED_OUT,
                target=Target("account", account),
                outcome=Outcome.FAILURE,
                reason="too_many_failures",
            )
        case UserSignedUp(user_id):
            return service.new_event(Action.SIGN_UP, target=_user(user_id), actor_user_id=user_id)
        case SessionEnded(session_id, _token):
            return service.new_event(Action.SIGN_OUT, target=Target("session", session_id))
        case SignedOutEverywhere(user_id, _token):
            return service.new_event(Action.SIGN_OUT_EVERYWHERE, target=_user(user_id))
        case TokenRefreshed(user_id, api_key_id, session_id):
            return service.new_event(
                Action.REFRESH,
                target=Target("session", session_id),
                actor_user_id=user_id,
                actor_api_key_id=api_key_id,
            )
        case RefreshTokenReused(session_id, user_id):
            _alert("refresh token reused: its session ends", session_id=session_id, user_id=user_id)
            return service.new_event(
                Action.REFRESH_REUSE,
                target=Target("session", session_id),
                outcome=Outcome.FAILURE,
                reason="refresh_token_reused",
                details={"userId": user_id} if user_id else None,
            )
        case PasswordChanged(user_id, _token, reset):
            action = Action.PASSWORD_RESET if reset else Action.PASSWORD_CHANGED
            return service.new_event(action, target=_user(user_id))
        case EmailVerified(user_id):
            return service.new_event(Action.EMAIL_VERIFIED, target=_user(user_id))
        case EmailChanged(user_id, _old):
            return service.new_event(Action.EMAIL_CHANGED, target=_user(user_id))
        case SignInMethodsChanged(user_id, change):
            return service.new_event(_METHOD_ACTIONS[change], target=_user(user_id))
        case _:
            return _operator_row(event)


def _operator_row(event: Event) -> AuditEvent | None:
    match event:
        case ApiKeyCreated(api_key_id, name):
            return service.new_event(
                Action.API_KEY_CREATED, target=Target("api_key", api_key_id), details={"name": name}
            )
        case ApiKeyRevoked(api_key_id):
            return service.new_event(Action.API_KEY_REVOKED, target=Target("api_key", api_key_id))
        case SigningKeyRotated(kid):
            return service.new_event(Action.SIGNING_KEY_ROTATED, target=Target("signing_key", kid))
        case UserDisabled(user_id):
            return service.new_event(Action.USER_DISABLED, target=_user(user_id))
        case UserEnabled(user_id):
            return service.new_event(Action.USER_ENABLED, target=_user(user_id))
        case UserDeleted(user_id):
            return service.new_event(Action.USER_DELETED, target=_user(user_id))
        case UserRoleChanged(user_id, role):
            return service.new_event(
                Action.USER_ROLE_CHANGED, target=_user(user_id), details={"role": role}
            )
        case MovieCreated(movie_id, title):
            return service.new_event(
                Action.MOVIE_CREATED, target=Target("movie", movie_id), details={"title": title}
            )
        case MovieUpdated(movie_id):
            return service.new_event(Action.MOVIE_UPDATED, target=Target("movie", movie_id))
        case MovieDeleted(movie_id):
            return service.new_event(Action.MOVIE_DELETED, target=Target("movie", movie_id))
        case MoviesImported(created, updated):
            return service.new_event(
                Action.MOVIES_IMPORTED, details={"created": created, "updated": updated}
            )
    return None
