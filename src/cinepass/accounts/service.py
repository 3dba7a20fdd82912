"""Proving an email, resetting a password, changing the email, and the account's sessions."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass import scopes
from cinepass.accounts import tokens
from cinepass.accounts.answers import SessionOut, session_out
from cinepass.accounts.mails import AccountMail
from cinepass.accounts.models import AccountToken, Purpose
from cinepass.accounts.schemas import EmailChange, MailRequest, PasswordReset, VerifyEmail
from cinepass.auth import identities, methods, sessions
from cinepass.auth.models import UserSession
from cinepass.auth.service import (
    AuthService,
    SignInOutcome,
    SignInResult,
    client_key,
    second_factor_due,
)
from cinepass.auth.tokens import Principal
from cinepass.db.base import utcnow
from cinepass.db.engine import session_scope
from cinepass.db.unique import unless_taken
from cinepass.errors import BadRequest, Conflict, NotFound, Unauthenticated
from cinepass.events import EmailChanged, EmailVerified
from cinepass.users import service as users_service
from cinepass.users.models import User

log = structlog.get_logger(__name__)

LINK_REFUSED = "this link has expired or was already used; ask for a new one"


@dataclass(frozen=True)
class AccountService:
    auth: AuthService
    mail: AccountMail
    # Mail that may go to an unknown address is prepared after the answer, in its own
    # transaction: the answer is the same, in content and time, whether the account exists.
    sessionmaker: async_sessionmaker[AsyncSession]

    async def _usable_user(self, db: AsyncSession, found: AccountToken) -> User:
        user = await users_service.get(db, found.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("the account is disabled", challenge="")
        return user

    async def _spend(self, db: AsyncSession, token: str, purposes: set[Purpose]) -> AccountToken:
        found = await tokens.spend(db, token, purposes)
        if found is None:
            raise BadRequest(LINK_REFUSED)
        return found

    async def verify_email(
        self, db: AsyncSession, body: VerifyEmail, user_agent: str | None
    ) -> tuple[User, SignInResult | None]:
        """Prove the address a link went to; with a sign-in key, also sign that browser in."""
        key = None
        if body.api_key_token is not None:
            key = await client_key(db, body.api_key_token, scopes.SIGNIN)
        found = await self._spend(db, body.token, {Purpose.VERIFY_EMAIL, Purpose.CHANGE_EMAIL})
        user = await self._usable_user(db, found)
        if found.purpose is Purpose.CHANGE_EMAIL:
            await self._move_email(db, user, found.email)
        elif found.email != user.email_key:
            raise BadRequest(LINK_REFUSED)  # sent to an address the account no longer has
        if user.email_verified_at is None or found.purpose is Purpose.CHANGE_EMAIL:
            await self.auth.events.publish(EmailVerified(user_id=user.id), db)
        user.email_verified_at = user.email_verified_at or utcnow()
        if key is None or second_factor_due(user, [methods.MAILED_LINK]):
            # A link is one factor: an account with a second factor signs in with both.
            return user, None
        result = await self.auth.start_session(
            db, user, key, body.remember_me, amr=[methods.MAILED_LINK], user_agent=user_agent
        )
        return user, result

    async def _move_email(self, db: AsyncSession, user: User, new_email: str) -> None:
        old_email = user.email

        def move() -> None:
            user.email = users_service.normalise_email(new_email)
            user.email_key = users_service.email_key(new_email)

        if not await unless_taken(db, move):
            # The token stays spent only if this commits; the refusal rolls it back too.
            raise Conflict("another account has taken that address since the link was sent")
        await self.auth.events.publish(EmailChanged(user_id=user.id, old_email=old_email), db)

    async def accept_mail_request(
        self, db: AsyncSession, body: MailRequest, needs: str, address: str
    ) -> None:
        """The checks made before a reset or resend is accepted: the client, the address's limit."""
        await client_key(db, body.api_key_token, needs)
        await self.auth.limits.mail_request(address)

    async def send_verification(self, email: str) -> None:
        """Background: a new verification link, if the address has an unverified account."""
        async with session_scope(self.sessionmaker) as db:
            user = await users_service.get_by_email(db, email)
            if user is None or user.disabled or user.email_verified:
                return
            if await self.auth.limits.may_mail("account", user.id):
                await self.mail.verification(db, user)

    async def send_password_reset(self, email: str) -> None:
        """Background: a reset link, if the address has an account, within its limit."""
        async with session_scope(self.sessionmaker) as db:
            user = await users_service.get_by_email(db, email)
            # Counted whether or not the account exists, so no limit tells them apart either.
            allowed = await self.auth.limits.may_mail("reset", users_service.email_key(email))
            if user is None or user.disabled or not allowed:
                return
            await self.mail.password_reset(db, user)

    async def reset_password(
        self, db: AsyncSession, body: PasswordReset, user_agent: str | None
    ) -> SignInOutcome:
        """Set the password a reset link allows; every other session ends, the address is
        proved, and the browser that did it is signed in (or, for an account with a second
        factor, asked for it: the mailbox is not a second factor)."""
        key = await client_key(db, body.api_key_token, scopes.SIGNIN)
        found = await self._spend(db, body.token, {Purpose.RESET_PASSWORD})
        user = await self._usable_user(db, found)
        if found.email != user.email_key:
            raise BadRequest(LINK_REFUSED)
        if not user.email_verified:
            # Whoever signed up with this address before its owner could have linked their own
            # provider account: the owner, now proved, starts without it.
            await self._unlink_all(db, user.id)
            user.email_verified_at = utcnow()
        await self.auth.set_password(db, user, body.password, reset=True)
        return await self.auth.open_session(
            db, user, key, body.remember_me, amr=[methods.MAILED_LINK], user_agent=user_agent
        )

    async def _unlink_all(self, db: AsyncSession, user_id: str) -> None:
        for identity in await identities.list_for(db, user_id):
            await db.delete(identity)
        await db.flush()

    async def request_email_change(
        self, db: AsyncSession, principal: Principal, body: EmailChange, address: str
    ) -> str:
        """Mail a link to the new address; the email changes when it is opened."""
        user = await self.auth.confirmed_user(db, principal, body.password, address)
        new_email = users_service.normalise_email(str(body.email))
        if users_service.email_key(new_email) == user.email_key:
            raise BadRequest("that is already your email address")
        if await users_service.get_by_email(db, new_email) is not None:
            raise Conflict("a user with that email already exists")
        await self.mail.email_change(db, user, new_email)
        return new_email

    async def sessions(self, db: AsyncSession, principal: Principal) -> list[SessionOut]:
        found = await sessions.active(db, principal.user_id)
        return [session_out(s, principal.session_id) for s in found]

    async def end_session(self, db: AsyncSession, principal: Principal, session_id: str) -> None:
        session = await db.get(UserSession, session_id)
        if session is None or session.user_id != principal.user_id or session.revoked_at:
            raise NotFound("no such session")
        await self.auth.end_session(db, session_id)
