"""Turning the second factor on and off, and completing a sign-in with it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import scopes
from cinepass.auth import methods
from cinepass.auth.service import AuthService, SignInResult, client_key
from cinepass.auth.tokens import Principal
from cinepass.challenges import store as challenges
from cinepass.challenges.models import Flow
from cinepass.db.base import utcnow
from cinepass.errors import Conflict, Forbidden, Unauthenticated
from cinepass.events import FailureReason, MethodChange, SignInFailed, SignInMethodsChanged
from cinepass.key_encryption import KeyEncryption
from cinepass.mfa import recovery_codes, totp
from cinepass.mfa.answers import MfaStatus, TotpSetup
from cinepass.mfa.models import TotpSecret
from cinepass.mfa.schemas import SecondFactorSignIn
from cinepass.users import service as users_service
from cinepass.users.models import User

SIGN_IN_EXPIRED = "this sign-in has expired; sign in again"
WRONG_CODE = "the code is wrong or was already used"


def _label(user_id: str) -> str:
    # Binds the sealed secret to its row: a secret copied to another account does not open.
    return f"totp:{user_id}"


@dataclass(frozen=True)
class SecondFactorService:
    auth: AuthService
    encryption: KeyEncryption
    issuer: str

    async def _user(self, db: AsyncSession, principal: Principal) -> User:
        user = await users_service.get(db, principal.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("the account is disabled")
        return user

    async def status(self, db: AsyncSession, principal: Principal) -> MfaStatus:
        user = await self._user(db, principal)
        return MfaStatus(
            totp_enabled=user.mfa_enabled_at is not None,
            enabled_at=user.mfa_enabled_at,
            recovery_codes_left=await recovery_codes.left(db, user.id),
        )

    async def begin_totp(self, db: AsyncSession, principal: Principal) -> TotpSetup:
        """A new secret, unconfirmed until a first code (any earlier unconfirmed one is gone)."""
        user = await self._user(db, principal)
        if user.mfa_enabled_at is not None:
            raise Conflict("two-step verification is already on; turn it off first")
        secret = totp.new_secret()
        sealed = self.encryption.seal(secret.encode(), _label(user.id))
        row = await db.get(TotpSecret, user.id)
        if row is None:
            db.add(TotpSecret(user_id=user.id, sealed_secret=sealed, created_at=utcnow()))
        else:
            row.sealed_secret, row.confirmed_at, row.last_used_step = sealed, None, None
        await db.flush()
        uri = totp.enrolment_uri(secret, user.email, self.issuer)
        return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_svg(uri))

    async def confirm_totp(self, db: AsyncSession, principal: Principal, code: str) -> list[str]:
        """The app's first code turns the second factor on; the recovery codes, to show once."""
        user = await self._user(db, principal)
        row = await db.get(TotpSecret, user.id)
        if row is None or row.confirmed_at is not None or user.mfa_enabled_at is not None:
            raise Conflict("start setting up two-step verification first")
        step = totp.matching_step(self._secret(row), _digits(code))
        if step is None:
            raise Forbidden(
                "the code is wrong: check that your device's clock is right and type the newest"
                " code"
            )
        now = utcnow()
        row.confirmed_at, row.last_used_step = now, step
        user.mfa_enabled_at = now
        await self._changed(db, user, MethodChange.SECOND_FACTOR_ON)
        return await recovery_codes.replace(db, self.auth.hasher, user.id)

    async def disable(
        self, db: AsyncSession, principal: Principal, code: str, address: str
    ) -> None:
        user = await self._enabled_user(db, principal)
        await self._prove(db, user, code, address, Forbidden(WRONG_CODE))
        await db.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id))
        await recovery_codes.remove_all(db, user.id)
        user.mfa_enabled_at = None
        await self._changed(db, user, MethodChange.SECOND_FACTOR_OFF)

    async def new_recovery_codes(
        self, db: AsyncSession, principal: Principal, code: str, address: str
    ) -> list[str]:
        user = await self._enabled_user(db, principal)
        await self._prove(db, user, code, address, Forbidden(WRONG_CODE))
        await self._changed(db, user, MethodChange.RECOVERY_CODES_RENEWED)
        return await recovery_codes.replace(db, self.auth.hasher, user.id)

    async def complete_sign_in(
        self, db: AsyncSession, body: SecondFactorSignIn, address: str
    ) -> SignInResult:
        """The second step of a sign-in: its challenge (same client) and a code."""
        key = await client_key(db, body.api_key_token, scopes.SIGNIN)
        expired = Unauthenticated(SIGN_IN_EXPIRED, challenge="")
        challenge = await challenges.find(db, body.mfa_token, Flow.SECOND_FACTOR)
        if challenge is None or challenge.api_key_id != key.id or challenge.user_id is None:
            raise expired
        user = await users_service.get(db, challenge.user_id)
        if user is None or user.disabled or user.mfa_enabled_at is None:
            raise expired
        await self._prove(db, user, body.code, address, Unauthenticated(WRONG_CODE, challenge=""))
        if not await challenges.spend(db, challenge):
            raise expired
        data = challenge.data
        first = [m for m in data.get("amr", []) if isinstance(m, str)] or [methods.PASSWORD]
        agent, issuer = data.get("userAgent"), data.get("issuer")
        return await self.auth.start_session(
            db,
            user,
            key,
            bool(data.get("rememberMe", False)),
            amr=methods.with_second_factor(first, methods.ONE_TIME_CODE),
            user_agent=agent if isinstance(agent, str) else None,
            issuer=issuer if isinstance(issuer, str) else None,
        )

    async def _changed(self, db: AsyncSession, user: User, change: MethodChange) -> None:
        await self.auth.events.publish(SignInMethodsChanged(user_id=user.id, change=change), db)

    async def _enabled_user(self, db: AsyncSession, principal: Principal) -> User:
        user = await self._user(db, principal)
        if user.mfa_enabled_at is None:
            raise Conflict("two-step verification is off")
        return user

    async def _prove(
        self, db: AsyncSession, user: User, code: str, address: str, refusal: Exception
    ) -> None:
        """A TOTP or recovery code of the account, each accepted once; a wrong one counts
        toward the account's sign-in lockout like a wrong password (SECURITY.md row 50)."""
        limits = self.auth.limits
        await limits.before_sign_in(user.email_key, address)
        if await self._totp_accepted(db, user.id, code) or await recovery_codes.spend(
            db, self.auth.hasher, user.id, code
        ):
            return
        await limits.sign_in_failed(user.email_key, address)
        failed = SignInFailed(
            account=user.email_key,
            address=address,
            reason=FailureReason.WRONG_SECOND_FACTOR,
            user_id=user.id,
        )
        await self.auth.events.publish(failed, db)
        raise refusal

    async def _totp_accepted(self, db: AsyncSession, user_id: str, code: str) -> bool:
        row = await db.get(TotpSecret, user_id)
        if row is None or row.confirmed_at is None:
            return False
        step = totp.matching_step(self._secret(row), _digits(code))
        if step is None:
            return False
        # Only a step newer than the last accepted one: a code is good once, even within its
        # window, and of two requests racing with one code exactly one wins.
        accepted = await db.execute(
            update(TotpSecret)
            .where(
                TotpSecret.user_id == user_id,
                (TotpSecret.last_used_step.is_(None)) | (TotpSecret.last_used_step < step),
            )
            .values(last_used_step=step)
        )
        return getattr(accepted, "rowcount", 0) == 1

    def _secret(self, row: TotpSecret) -> str:
        return self.encryption.open(row.sealed_secret, _label(row.user_id)).decode()


def _digits(code: str) -> str:
    return code.replace(" ", "")
