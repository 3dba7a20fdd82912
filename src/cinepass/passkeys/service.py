"""Passkeys: register one (a ceremony bound to the user), list, rename and remove them, and sign
in with one alone (a ceremony bound to the client's API key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import scopes
from cinepass.api_keys.models import ApiKey
from cinepass.auth import identities, methods
from cinepass.auth.service import AuthService, SignInResult, client_key
from cinepass.auth.tokens import Principal
from cinepass.challenges import store as challenges
from cinepass.challenges.models import Challenge, Flow
from cinepass.db.base import utcnow
from cinepass.db.unique import insert_unless_taken
from cinepass.errors import BadRequest, Conflict, NotFound, Unauthenticated
from cinepass.events import MethodChange, SignInMethodsChanged
from cinepass.passkeys import authenticators
from cinepass.passkeys.models import Passkey
from cinepass.passkeys.parties import CeremonyFailed, Options, RelyingParty
from cinepass.passkeys.schemas import PasskeyRegistration, PasskeySignIn
from cinepass.users import service as users_service
from cinepass.users.models import User

log = structlog.get_logger(__name__)

SIGN_IN_FAILED = "passkey sign-in failed"
REGISTRATION_FAILED = "the passkey could not be registered; start again"
# Enough for every device a person owns; a bound on what one account can store.
MAX_PER_USER = 20
LAST_METHOD = (
    "this is your only way to sign in: add another passkey, or link a provider, before removing it"
)


@dataclass(frozen=True)
class Ceremony:
    token: str
    options: Options


class SignInRefused(Unauthenticated):
    """Any failed passkey sign-in, whatever the reason: one answer; the log says why."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED, challenge="")


@dataclass(frozen=True)
class PasskeyService:
    auth: AuthService
    rp: RelyingParty

    async def start_registration(
        self, db: AsyncSession, principal: Principal, address: str
    ) -> Ceremony:
        from cinepass.passkeys import ceremonies  # py_webauthn: on first use

        await self.auth.limits.passkey_ceremony(address)
        user = await _active_user(db, principal.user_id)
        existing = await list_for(db, user.id)
        if len(existing) >= MAX_PER_USER:
            raise Conflict(f"an account holds at most {MAX_PER_USER} passkeys: remove one first")
        options = ceremonies.registration_options(
            self.rp,
            user_id=user.id,
            email=user.email,
            name=user.name,
            existing=[p.credential_id for p in existing],
        )
        token = await challenges.start(
            db,
            Flow.PASSKEY_REGISTRATION,
            user_id=user.id,
            data={"challenge": options.challenge},
        )
        return Ceremony(token, options)

    async def register(
        self, db: AsyncSession, principal: Principal, body: PasskeyRegistration
    ) -> Passkey:
        from cinepass.passkeys import ceremonies  # py_webauthn: on first use

        ceremony = await _spend(db, body.ceremony_token, Flow.PASSKEY_REGISTRATION)
        if ceremony is None or ceremony.user_id != principal.user_id:
            log.info("passkey registration refused", reason="no such ceremony for this user")
            raise BadRequest(REGISTRATION_FAILED)
        user = await _active_user(db, principal.user_id)
        try:
            new = ceremonies.verify_registration(
                self.rp, body.credential, ceremony.data.get("challenge")
            )
        except CeremonyFailed as exc:
            log.info("passkey registration refused", reason=str(exc), user_id=user.id)
            raise BadRequest(REGISTRATION_FAILED) from None
        passkey = Passkey(
            user_id=user.id,
            credential_id=new.credential_id,
            public_key=new.public_key,
            sign_count=new.sign_count,
            aaguid=new.aaguid,
            transports=",".join(new.transports),
            backup_eligible=new.backup_eligible,
            backed_up=new.backed_up,
            name=body.name or authenticators.default_name(new.aaguid),
            created_at=utcnow(),
        )
        if not await insert_unless_taken(db, passkey):
            raise Conflict("this passkey is already registered")
        await self._changed(db, user.id, MethodChange.PASSKEY_ADDED)
        return passkey

    async def _changed(self, db: AsyncSession, user_id: str, change: MethodChange) -> None:
        await self.auth.events.publish(SignInMethodsChanged(user_id=user_id, change=change), db)

    async def start_sign_in(self, db: AsyncSession, api_key_token: str, address: str) -> Ceremony:
        from cinepass.passkeys import ceremonies  # py_webauthn: on first use

        await self.auth.limits.passkey_ceremony(address)
        key = await client_key(db, api_key_token, scopes.SIGNIN)
        options = ceremonies.sign_in_options(self.rp)
        token = await challenges.start(
            db, Flow.PASSKEY_SIGN_IN, api_key_id=key.id, data={"challenge": options.challenge}
        )
        return Ceremony(token, options)

    async def sign_in(
        self, db: AsyncSession, body: PasskeySignIn, user_agent: str | None
    ) -> SignInResult:
        """A session whose sign-in is the passkey alone: possession and the user's PIN or
        biometric, two factors (amr hwk|swk, user, mfa)."""
        key = await client_key(db, body.api_key_token, scopes.SIGNIN)
        ceremony = await _spend(db, body.ceremony_token, Flow.PASSKEY_SIGN_IN)
        if ceremony is None or ceremony.api_key_id != key.id:
            _refuse("no such ceremony for this client")
        passkey, user = await self._verified(db, body, ceremony, key)
        return await self.auth.start_session(
            db,
            user,
            key,
            body.remember_me,
            amr=_methods(passkey),
            user_agent=user_agent,
        )

    async def _verified(
        self, db: AsyncSession, body: PasskeySignIn, ceremony: Challenge, key: ApiKey
    ) -> tuple[Passkey, User]:
        from cinepass.passkeys import ceremonies  # py_webauthn: on first use

        try:
            assertion = ceremonies.parse_assertion(body.credential)
        except CeremonyFailed as exc:
            _refuse(str(exc))
        passkey = await db.scalar(select(Passkey).where(Passkey.credential_id == assertion.id))
        if passkey is None:
            _refuse("unknown credential")
        handle = assertion.response.user_handle
        if handle is None or handle != passkey.user_id.encode():
            # Row 49: a credential signs in only the user it was registered to.
            _refuse("the userHandle is not the credential's user", passkey_id=passkey.id)
        try:
            verified = ceremonies.verify_assertion(
                self.rp, assertion, ceremony.data.get("challenge"), passkey.public_key
            )
        except CeremonyFailed as exc:
            _refuse(str(exc), passkey_id=passkey.id)
        if ceremonies.counter_went_backwards(passkey.sign_count, verified.new_sign_count):
            log.warning(
                "passkey clone suspected",
                passkey_id=passkey.id,
                user_id=passkey.user_id,
                stored_count=passkey.sign_count,
                reported_count=verified.new_sign_count,
            )
            raise SignInRefused()
        user = await users_service.get(db, passkey.user_id)
        if user is None or user.disabled:
            _refuse("the account is disabled", passkey_id=passkey.id)
        passkey.sign_count = verified.new_sign_count
        passkey.backed_up = verified.credential_backed_up
        passkey.backup_eligible = ceremonies.is_synced(verified)
        passkey.last_used_at = utcnow()
        return passkey, user

    async def rename(
        self, db: AsyncSession, principal: Principal, passkey_id: str, name: str
    ) -> Passkey:
        passkey = await _own(db, principal.user_id, passkey_id)
        passkey.name = name
        await db.flush()
        return passkey

    async def remove(self, db: AsyncSession, principal: Principal, passkey_id: str) -> None:
        """Refused when it is the account's last way to sign in (row 49)."""
        passkey = await _own(db, principal.user_id, passkey_id)
        user = await _active_user(db, principal.user_id)
        others = await db.scalar(
            select(func.count())
            .select_from(Passkey)
            .where(Passkey.user_id == user.id, Passkey.id != passkey.id)
        )
        if user.password_hash is None and not others and not await identities.list_for(db, user.id):
            raise Conflict(LAST_METHOD)
        await db.delete(passkey)
        await db.flush()
        await self._changed(db, user.id, MethodChange.PASSKEY_REMOVED)


async def list_for(db: AsyncSession, user_id: str) -> Sequence[Passkey]:
    return (
        await db.scalars(
            select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at)
        )
    ).all()


def _methods(passkey: Passkey) -> list[str]:
    kind = methods.SYNCED_KEY if passkey.backup_eligible else methods.DEVICE_KEY
    return [kind, methods.USER_PRESENT, methods.MULTI_FACTOR]


def _refuse(reason: str, **context: str) -> NoReturn:
    log.info("passkey sign-in refused", reason=reason, **context)
    raise SignInRefused()


async def _spend(db: AsyncSession, token: str, flow: Flow) -> Challenge | None:
    """The ceremony, now used, committed as such before anything is checked: a failure
    below must not leave it usable again (row 48)."""
    ceremony = await challenges.take(db, token, flow)
    if ceremony is not None:
        await db.commit()
    return ceremony


async def _active_user(db: AsyncSession, user_id: str) -> User:
    user = await users_service.get(db, user_id)
    if user is None or user.disabled:
        raise Unauthenticated("the account is disabled")
    return user


async def _own(db: AsyncSession, user_id: str, passkey_id: str) -> Passkey:
    passkey = await db.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user_id:
        raise NotFound("no such passkey")
    return passkey
