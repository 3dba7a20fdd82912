"""Sign-up, sign-in, refresh, sign-out and password change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import scopes
from cinepass.api_keys import service as api_keys_service
from cinepass.api_keys.models import ApiKey
from cinepass.auth import identities, methods, sessions
from cinepass.auth.id_tokens import IdTokenVerifier
from cinepass.auth.models import Identity, UserSession
from cinepass.auth.passwords import PasswordHasher
from cinepass.auth.rate_limits import AbuseLimits
from cinepass.auth.revocation import JTI, SESSION, RevocationList
from cinepass.auth.schemas import PasswordChange, ProviderSignIn, SignUp
from cinepass.auth.signing_keys import KeyRing
from cinepass.auth.tokens import AccessTokens, IssuedToken, Principal
from cinepass.challenges import store as challenges
from cinepass.challenges.models import Flow
from cinepass.errors import (
    BadRequest,
    Conflict,
    InsufficientScope,
    InvalidCredentials,
    TooManyRequests,
    Unauthenticated,
)
from cinepass.events import (
    Events,
    FailureReason,
    MethodChange,
    PasswordChanged,
    RefreshTokenReused,
    SessionEnded,
    SignedIn,
    SignedOutEverywhere,
    SignInFailed,
    SignInLockedOut,
    SignInMethodsChanged,
    SignUpOfTakenEmail,
    TokenRefreshed,
    UserSignedUp,
)
from cinepass.metrics import instruments as metrics
from cinepass.users import service as users_service
from cinepass.users.models import Role, User


@dataclass(frozen=True)
class SignInResult:
    user: User
    access: IssuedToken
    refresh_token: str | None


@dataclass(frozen=True)
class SecondFactorPending:
    """A first factor that was right, of an account with a second factor: no tokens yet, only
    the handle of a challenge that a code completes (`cinepass.mfa`)."""

    user: User
    mfa_token: str
    expires_in: int


SignInOutcome = SignInResult | SecondFactorPending


def _failure_reason(user: User | None) -> FailureReason:
    if user is None:
        return FailureReason.UNKNOWN_ACCOUNT
    return FailureReason.ACCOUNT_DISABLED if user.disabled else FailureReason.WRONG_PASSWORD


def second_factor_due(user: User, amr: list[str]) -> bool:
    """Whether a sign-in proved by `amr` must still give the account's second factor."""
    return user.mfa_enabled_at is not None and not methods.is_multi_factor(amr)


@dataclass(frozen=True)
class SessionLifetimes:
    """How long a session's refresh tokens live: a normal sign-in, and one remembered."""

    normal: timedelta
    remembered: timedelta


async def client_key(db: AsyncSession, token: str | None, needs: str) -> ApiKey:
    """The calling client's API key, which must be active and hold `needs`."""
    key = await api_keys_service.find_active(db, token) if token else None
    if key is None:
        raise Unauthenticated("invalid API key", challenge="")
    if needs not in key.scope_list:
        raise InsufficientScope([needs])
    return key


@dataclass(frozen=True)
class AuthService:
    """What the sign-in routes do, built once per process from the parts it needs."""

    tokens: AccessTokens
    keys: KeyRing
    hasher: PasswordHasher
    limits: AbuseLimits
    revocations: RevocationList
    id_tokens: IdTokenVerifier
    events: Events
    lifetimes: SessionLifetimes
    signup_requires_api_key: bool
    # CINEPASS_ADMIN_REQUIRES_MFA: an admin's one-factor sign-in gets no admin-only scopes.
    admin_requires_mfa: bool = False

    async def sign_up(self, db: AsyncSession, body: SignUp, address: str) -> User:
        if body.api_key_token is not None or self.signup_requires_api_key:
            await client_key(db, body.api_key_token, scopes.SIGNUP)
        await self.limits.sign_up(address)
        password_hash = await self.hasher.hash(body.password)
        try:
            user = await users_service.create(
                db, name=body.name, email=str(body.email), password_hash=password_hash
            )
        except Conflict:
            # The client is told (409, the API's contract); the owner is told by mail, which
            # must outlive the refusal's rollback.
            owner = await users_service.get_by_email(db, str(body.email))
            if owner is not None:
                await self.events.publish(SignUpOfTakenEmail(user_id=owner.id), db)
                await db.commit()
            raise
        await self.events.publish(UserSignedUp(user_id=user.id), db)
        return user

    def _issue(self, user: User, key: ApiKey, session: UserSession) -> IssuedToken:
        amr = methods.decode(session.amr)
        writes = not (
            self.admin_requires_mfa and user.role is Role.ADMIN and not methods.is_multi_factor(amr)
        )
        return self.tokens.issue(
            user_id=user.id,
            name=user.name,
            email=user.email,
            role=user.role.value,
            scopes=scopes.granted_scopes(key.scope_list, user.role, writes=writes),
            client_id=key.id,
            session_id=session.id,
            amr=amr,
            auth_time=int(session.created_at.timestamp()),
        )

    async def open_session(
        self,
        db: AsyncSession,
        user: User,
        key: ApiKey,
        remember_me: bool,
        *,
        amr: list[str],
        user_agent: str | None = None,
        issuer: str | None = None,
    ) -> SignInOutcome:
        """A new session (12 h, or 30 days remembered), its first access token and, for keys
        holding offline_access, its first refresh token.

        Every sign-in ends here, so that none skips the second factor: a one-factor sign-in
        (`amr`) of an account that has one gets a challenge instead (SECURITY.md row 52).
        """
        if second_factor_due(user, amr):
            return await self._second_factor_pending(
                db, user, key, remember_me, amr, user_agent, issuer
            )
        return await self.start_session(
            db, user, key, remember_me, amr=amr, user_agent=user_agent, issuer=issuer
        )

    async def _second_factor_pending(
        self,
        db: AsyncSession,
        user: User,
        key: ApiKey,
        remember_me: bool,
        amr: list[str],
        user_agent: str | None,
        issuer: str | None,
    ) -> SecondFactorPending:
        handle = await challenges.start(
            db,
            Flow.SECOND_FACTOR,
            user_id=user.id,
            api_key_id=key.id,
            data={
                "rememberMe": remember_me,
                "amr": amr,
                "userAgent": user_agent,
                "issuer": issuer,
            },
        )
        expires_in = int(challenges.LIFETIME.total_seconds())
        return SecondFactorPending(user=user, mfa_token=handle, expires_in=expires_in)

    async def start_session(
        self,
        db: AsyncSession,
        user: User,
        key: ApiKey,
        remember_me: bool,
        *,
        amr: list[str],
        user_agent: str | None = None,
        issuer: str | None = None,
    ) -> SignInResult:
        """open_session once every factor the account needs was given."""
        issued = await sessions.start(
            db,
            user_id=user.id,
            api_key_id=key.id,
            remember_me=remember_me,
            lifetime=self.lifetimes.remembered if remember_me else self.lifetimes.normal,
            offline=scopes.OFFLINE_ACCESS in key.scope_list,
            user_agent=user_agent,
            amr=methods.encode(amr),
        )
        await self.keys.refresh_if_stale()
        session = issued.session
        await self.events.publish(SignedIn(user.id, key.id, session.id, issuer), db)
        return SignInResult(user, self._issue(user, key, session), issued.refresh_token)

    async def sign_in(
        self,
        db: AsyncSession,
        *,
        email: str | None,
        password: str | None,
        api_key_token: str | None,
        remember_me: bool,
        address: str,
        user_agent: str | None = None,
    ) -> SignInOutcome:
        """Check the key, the limits, then the password; unknown users cost a wrong password's
        time."""
        key = await client_key(db, api_key_token, scopes.SIGNIN)
        if not email or password is None or "\x00" in email:
            raise InvalidCredentials()
        # The same key for the limits as for the lookup: " Ana@x" and "ana@x" share one counter.
        account = users_service.email_key(email)
        if len(account) > users_service.MAX_EMAIL_LENGTH:
            # No account has it; refusing here keeps such keys out of the limits' storage.
            raise InvalidCredentials()
        try:
            await self.limits.before_sign_in(account, address)
        except TooManyRequests:
            metrics.sign_in("locked_out")
            await self.events.publish(SignInLockedOut(account=account, address=address), db)
            raise
        user = await users_service.get_by_email(db, email)
        usable = user is not None and not user.disabled
        # The hash takes longer than the rest of a sign-in: no pooled connection waits on it.
        await db.commit()
        check = await self.hasher.verify(password, user.password_hash if usable and user else None)
        if not check.valid or user is None:
            await self.limits.sign_in_failed(account, address)
            failed = SignInFailed(
                account=account,
                address=address,
                reason=_failure_reason(user),
                user_id=user.id if user else None,
            )
            await self.events.publish(failed, db)
            metrics.sign_in("failure")
            raise InvalidCredentials()
        if check.new_hash:
            user.password_hash = check.new_hash
        outcome = await self.open_session(
            db, user, key, remember_me, amr=[methods.PASSWORD], user_agent=user_agent
        )
        metrics.sign_in("second_factor" if isinstance(outcome, SecondFactorPending) else "success")
        return outcome

    async def sign_in_with_provider(
        self, db: AsyncSession, body: ProviderSignIn, address: str, user_agent: str | None = None
    ) -> SignInOutcome:
        """A verified ID token from a trusted issuer signs in as its (issuer, subject)'s user.

        A first sign-in creates an account, so it counts as a sign-up of the client's address.
        """
        key = await client_key(db, body.api_key_token, scopes.SIGNIN_PROVIDER)
        issuer, claims = await self.id_tokens.verify(body.id_token)
        user = await identities.linked_user(db, claims)
        if user is None:
            await self.limits.sign_up(address)
            user = await identities.create_user(db, issuer, claims)
            await self.events.publish(UserSignedUp(user_id=user.id), db)
        return await self.open_session(
            db,
            user,
            key,
            body.remember_me,
            amr=[methods.FEDERATED],
            user_agent=user_agent,
            issuer=issuer.issuer,
        )

    async def link_identity(
        self, db: AsyncSession, principal: Principal, id_token: str
    ) -> tuple[Identity, bool]:
        issuer, claims = await self.id_tokens.verify(id_token)
        identity, created = await identities.link(db, principal.user_id, issuer, claims)
        if created:
            change = SignInMethodsChanged(principal.user_id, MethodChange.PROVIDER_LINKED)
            await self.events.publish(change, db)
        return identity, created

    async def unlink_identity(
        self, db: AsyncSession, principal: Principal, identity_id: str
    ) -> None:
        await identities.unlink(db, principal.user_id, identity_id)
        change = SignInMethodsChanged(principal.user_id, MethodChange.PROVIDER_UNLINKED)
        await self.events.publish(change, db)

    async def refresh(
        self,
        db: AsyncSession,
        *,
        refresh_token: str,
        api_key_token: str | None,
        address: str,
    ) -> SignInResult:
        """Rotate a refresh token; a reused one ends its whole session."""
        await self.limits.refresh(address)
        key = await client_key(db, api_key_token, scopes.SIGNIN)
        if scopes.OFFLINE_ACCESS not in key.scope_list:
            raise InsufficientScope([scopes.OFFLINE_ACCESS])
        try:
            issued = await sessions.rotate(db, refresh_token)
        except sessions.RefreshRejected as rejected:
            if rejected.reused:
                metrics.refresh_reused()
                found = await sessions.session_of(db, refresh_token)
                owner = await sessions.owner_of(db, found) if found is not None else None
                await self.events.publish(RefreshTokenReused(found, owner), db)
                if found is not None:
                    await self.end_session(db, found)
                await db.commit()
            raise Unauthenticated(rejected.reason, challenge="") from None
        if issued.session.api_key_id != key.id:
            raise Unauthenticated("the refresh token belongs to another client", challenge="")
        user = await users_service.get(db, issued.session.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("the account is disabled", challenge="")
        await self.keys.refresh_if_stale()
        metrics.refresh_rotated()
        await self.events.publish(TokenRefreshed(user.id, key.id, issued.session.id), db)
        return SignInResult(user, self._issue(user, key, issued.session), issued.refresh_token)

    async def end_session(
        self, db: AsyncSession, session_id: str, token_id: str | None = None
    ) -> None:
        """End one session (its refresh tokens and access tokens), and the given access token."""
        await sessions.end(db, session_id)
        revoked = [self.revocations.event(SESSION, session_id)]
        if token_id is not None:
            revoked.append(self.revocations.event(JTI, token_id))
        await self.revocations.revoke(db, revoked)
        await self.events.publish(SessionEnded(session_id=session_id, token_id=token_id), db)

    async def sign_out(self, db: AsyncSession, principal: Principal) -> None:
        """End the token's session (its refresh tokens) and the access token itself."""
        if principal.session_id:
            await self.end_session(db, principal.session_id, principal.jti)
        else:
            await self.revocations.revoke(db, [self.revocations.event(JTI, principal.jti)])

    async def sign_out_everywhere(self, db: AsyncSession, principal: Principal) -> None:
        """Every session and access token of the caller's account ends, this one included."""
        await self.events.publish(
            SignedOutEverywhere(user_id=principal.user_id, token_id=principal.jti), db
        )

    async def confirmed_user(
        self, db: AsyncSession, principal: Principal, password: str, address: str
    ) -> User:
        """The caller's account, once `password` is its current password.

        The check is a sign-in in disguise, so it shares sign-in's limits.
        """
        user = await users_service.get(db, principal.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("the account is disabled")
        try:
            await self.limits.before_sign_in(user.email_key, address)
        except TooManyRequests:
            locked = SignInLockedOut(account=user.email_key, address=address)
            await self.events.publish(locked, db)
            raise
        check = await self.hasher.verify(password, user.password_hash)
        if not check.valid:
            await self.limits.sign_in_failed(user.email_key, address)
            failed = SignInFailed(
                account=user.email_key,
                address=address,
                reason=FailureReason.WRONG_CURRENT_PASSWORD,
                user_id=user.id,
            )
            await self.events.publish(failed, db)
            raise BadRequest("the current password is wrong")
        return user

    async def set_password(
        self,
        db: AsyncSession,
        user: User,
        password: str,
        token_id: str | None = None,
        *,
        reset: bool = False,
    ) -> None:
        """A new password; every session and token of the account ends (subscribers of
        PasswordChanged end them, void mailed links and mail the owner a notice)."""
        user.password_hash = await self.hasher.hash(password)
        changed = PasswordChanged(user_id=user.id, token_id=token_id, reset=reset)
        await self.events.publish(changed, db)

    async def change_password(
        self, db: AsyncSession, principal: Principal, body: PasswordChange, address: str
    ) -> None:
        """Set a new password, proved by the current one; this session ends too."""
        user = await self.confirmed_user(db, principal, body.current_password, address)
        await self.set_password(db, user, body.new_password, token_id=principal.jti)
