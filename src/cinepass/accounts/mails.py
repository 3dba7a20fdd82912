"""The mails an account gets, and the subscribers that send them when something happens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.accounts import tokens
from cinepass.accounts.models import Purpose
from cinepass.auth.rate_limits import AbuseLimits
from cinepass.events import (
    EmailChanged,
    MethodChange,
    PasswordChanged,
    SignInMethodsChanged,
    SignUpOfTakenEmail,
    UserSignedUp,
)
from cinepass.mail.letters import Letter, LetterKind
from cinepass.mail.outbox import Mailer
from cinepass.users import service as users_service
from cinepass.users.models import User

# The SPA's pages that read a mailed token from the link's fragment, which no server, log or
# Referer ever sees.
VERIFY_PAGE = "/verify-email"
RESET_PAGE = "/reset-password"
FORGOT_PAGE = "/forgot-password"
SIGN_IN_PAGE = "/sign-in"
ACCOUNT_PAGE = "/account"

CHANGES: dict[MethodChange, str] = {
    MethodChange.SECOND_FACTOR_ON: "Two-step verification was turned on for your cinepass account:"
    " signing in with your password now also asks for a code from your authenticator app.",
    MethodChange.SECOND_FACTOR_OFF: "Two-step verification was turned off for your cinepass"
    " account: signing in with your password no longer asks for a code.",
    MethodChange.RECOVERY_CODES_RENEWED: "New recovery codes were made for your cinepass account;"
    " the old ones no longer work.",
    MethodChange.PASSKEY_ADDED: "A passkey was added to your cinepass account: it can sign in on"
    " its own, without your password.",
    MethodChange.PASSKEY_REMOVED: "A passkey was removed from your cinepass account.",
    MethodChange.PROVIDER_LINKED: "A third-party account was linked to your cinepass account: it"
    " can now sign you in.",
    MethodChange.PROVIDER_UNLINKED: "A third-party account was unlinked from your cinepass"
    " account.",
}


@dataclass(frozen=True)
class AccountMail:
    mailer: Mailer
    limits: AbuseLimits
    # The render server's public origin: every link in a mail points there.
    origin: str

    def link(self, page: str, token: str | None = None) -> str:
        return f"{self.origin.rstrip('/')}{page}" + (f"#token={token}" if token else "")

    async def _send(
        self, db: AsyncSession, user: User, kind: LetterKind, to: str | None = None, **values: str
    ) -> None:
        letter = Letter(kind=kind, to_name=user.name, to_email=to or user.email, values=values)
        await self.mailer.send(db, letter)

    async def verification(self, db: AsyncSession, user: User) -> None:
        token = await tokens.issue(
            db, user_id=user.id, purpose=Purpose.VERIFY_EMAIL, email=user.email_key
        )
        await self._send(db, user, LetterKind.VERIFY_EMAIL, link=self.link(VERIFY_PAGE, token))

    async def password_reset(self, db: AsyncSession, user: User) -> None:
        token = await tokens.issue(
            db, user_id=user.id, purpose=Purpose.RESET_PASSWORD, email=user.email_key
        )
        await self._send(db, user, LetterKind.PASSWORD_RESET, link=self.link(RESET_PAGE, token))

    async def email_change(self, db: AsyncSession, user: User, new_email: str) -> None:
        # A newer request replaces any link still pending.
        await tokens.void(db, user.id, {Purpose.CHANGE_EMAIL})
        token = await tokens.issue(
            db, user_id=user.id, purpose=Purpose.CHANGE_EMAIL, email=new_email
        )
        await self._send(
            db,
            user,
            LetterKind.CHANGE_EMAIL,
            to=new_email,
            link=self.link(VERIFY_PAGE, token),
            new_email=new_email,
        )

    # Subscribers: each runs in the transaction of the change it reacts to.

    async def signed_up(self, event: UserSignedUp, db: AsyncSession) -> None:
        user = await users_service.get(db, event.user_id)
        if user is not None and not user.email_verified:
            await self.verification(db, user)

    async def sign_up_of_taken_email(self, event: SignUpOfTakenEmail, db: AsyncSession) -> None:
        user = await users_service.get(db, event.user_id)
        if user is None or user.disabled or not await self.limits.may_mail("account", user.id):
            return
        await self._send(
            db,
            user,
            LetterKind.ACCOUNT_EXISTS,
            sign_in_link=self.link(SIGN_IN_PAGE),
            reset_link=self.link(FORGOT_PAGE),
        )

    async def password_changed(self, event: PasswordChanged, db: AsyncSession) -> None:
        """Links mailed before stop working; the owner hears of the change."""
        await tokens.void(db, event.user_id)
        user = await users_service.get(db, event.user_id)
        if user is not None:
            await self._send(
                db, user, LetterKind.PASSWORD_CHANGED, reset_link=self.link(FORGOT_PAGE)
            )

    async def email_changed(self, event: EmailChanged, db: AsyncSession) -> None:
        """Links mailed to the old address stop working; the old address hears where it went."""
        await tokens.void(db, event.user_id)
        user = await users_service.get(db, event.user_id)
        if user is not None:
            await self._send(
                db,
                user,
                LetterKind.EMAIL_CHANGED_NOTICE,
                to=event.old_email,
                new_email=user.email,
            )

    async def sign_in_methods_changed(self, event: SignInMethodsChanged, db: AsyncSession) -> None:
        """The owner hears of every new or removed way to sign in, in case it was not them."""
        user = await users_service.get(db, event.user_id)
        if user is not None:
            await self._send(
                db,
                user,
                LetterKind.SIGN_IN_METHODS_CHANGED,
                change=CHANGES[event.change],
                reset_link=self.link(FORGOT_PAGE),
                account_link=self.link(ACCOUNT_PAGE),
            )
