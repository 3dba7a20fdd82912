"""Sign-up, sign-in, refresh, sign-out and password change; ending what a user or key backs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.api_keys import service as api_keys_service
from cinepass.api_keys.models import ApiKey
from cinepass.auth import identities, scopes, sessions
from cinepass.auth.models import Identity
from cinepass.auth.revocation import CLIENT, JTI, SESSION, USER, RevocationList
from cinepass.auth.schemas import PasswordChange, ProviderSignIn, SignUp
from cinepass.auth.tokens import IssuedToken, Principal
from cinepass.context import AppContext
from cinepass.errors import (
    BadRequest,
    InsufficientScope,
    InvalidCredentials,
    NotFound,
    Unauthenticated,
)
from cinepass.users import service as users_service
from cinepass.users.models import User


@dataclass(frozen=True)
class SignInResult:
    user: User
    access: IssuedToken
    refresh_token: str | None


async def client_key(session: AsyncSession, token: str | None, needs: str) -> ApiKey:
    """The calling client's API key, which must be active and hold `needs`."""
    key = await api_keys_service.find_active(session, token) if token else None
    if key is None:
        raise Unauthenticated("invalid API key", challenge="")
    if needs not in key.scope_list:
        raise InsufficientScope([needs])
    return key


async def sign_up(context: AppContext, session: AsyncSession, body: SignUp, address: str) -> User:
    if body.api_key_token is not None or context.settings.limits.signup_requires_api_key:
        await client_key(session, body.api_key_token, scopes.SIGNUP)
    await context.limits.sign_up(address)
    password_hash = await context.hasher.hash(body.password)
    return await users_service.create(
        session, name=body.name, email=str(body.email), password_hash=password_hash
    )


def _issue(context: AppContext, user: User, key: ApiKey, session_id: str) -> IssuedToken:
    return context.tokens.issue(
        user_id=user.id,
        name=user.name,
        email=user.email,
        role=user.role.value,
        scopes=scopes.granted_scopes(key.scope_list, user.role),
        client_id=key.id,
        session_id=session_id,
    )


async def _open_session(
    context: AppContext, session: AsyncSession, user: User, key: ApiKey, remember_me: bool
) -> SignInResult:
    """A new session (12 h, or 30 days remembered), its first access token and, for keys
    holding offline_access, its first refresh token."""
    settings = context.settings
    lifetime = (
        settings.tokens.remember_me_ttl_seconds
        if remember_me
        else settings.tokens.refresh_ttl_seconds
    )
    issued = await sessions.start(
        session,
        user_id=user.id,
        api_key_id=key.id,
        remember_me=remember_me,
        lifetime=timedelta(seconds=lifetime),
        offline=scopes.OFFLINE_ACCESS in key.scope_list,
    )
    await context.keys.refresh_if_stale()
    return SignInResult(user, _issue(context, user, key, issued.session.id), issued.refresh_token)


async def sign_in(
    context: AppContext,
    session: AsyncSession,
    *,
    email: str | None,
    password: str | None,
    api_key_token: str | None,
    remember_me: bool,
    address: str,
) -> SignInResult:
    """Check the key, the limits, then the password; unknown users cost a wrong password's time."""
    key = await client_key(session, api_key_token, scopes.SIGNIN)
    if not email or password is None or "\x00" in email:
        raise InvalidCredentials()
    # The same key for the limits as for the lookup: " Ana@x" and "ana@x" share one counter.
    account = users_service.email_key(email)
    if len(account) > users_service.MAX_EMAIL_LENGTH:
        # No account has it; refusing here keeps such keys out of the limits' storage.
        raise InvalidCredentials()
    await context.limits.before_sign_in(account, address)
    user = await users_service.get_by_email(session, email)
    usable = user is not None and not user.disabled
    check = await context.hasher.verify(password, user.password_hash if usable and user else None)
    if not check.valid or user is None:
        await context.limits.sign_in_failed(account, address)
        raise InvalidCredentials()
    if check.new_hash:
        user.password_hash = check.new_hash
    return await _open_session(context, session, user, key, remember_me)


async def sign_in_with_provider(
    context: AppContext, session: AsyncSession, body: ProviderSignIn, address: str
) -> SignInResult:
    """A verified ID token from a trusted issuer signs in as its (issuer, subject)'s user.

    A first sign-in creates an account, so it counts as a sign-up of the client's address.
    """
    key = await client_key(session, body.api_key_token, scopes.SIGNIN_PROVIDER)
    issuer, claims = await context.id_tokens.verify(body.id_token)
    user = await identities.linked_user(session, claims)
    if user is None:
        await context.limits.sign_up(address)
        user = await identities.create_user(session, issuer, claims)
    return await _open_session(context, session, user, key, body.remember_me)


async def link_identity(
    context: AppContext, session: AsyncSession, principal: Principal, id_token: str
) -> tuple[Identity, bool]:
    issuer, claims = await context.id_tokens.verify(id_token)
    return await identities.link(session, principal.user_id, issuer, claims)


async def refresh(
    context: AppContext,
    session: AsyncSession,
    *,
    refresh_token: str,
    api_key_token: str | None,
    address: str,
) -> SignInResult:
    """Rotate a refresh token; a reused one ends its whole session."""
    await context.limits.refresh(address)
    key = await client_key(session, api_key_token, scopes.SIGNIN)
    if scopes.OFFLINE_ACCESS not in key.scope_list:
        raise InsufficientScope([scopes.OFFLINE_ACCESS])
    try:
        issued = await sessions.rotate(session, refresh_token)
    except sessions.RefreshRejected as rejected:
        if rejected.reused:
            found = await sessions.session_of(session, refresh_token)
            if found is not None:
                await end_session(context.revocations, session, found)
                await session.commit()
        raise Unauthenticated(rejected.reason, challenge="") from None
    if issued.session.api_key_id != key.id:
        raise Unauthenticated("the refresh token belongs to another client", challenge="")
    user = await users_service.get(session, issued.session.user_id)
    if user is None or user.disabled:
        raise Unauthenticated("the account is disabled", challenge="")
    await context.keys.refresh_if_stale()
    return SignInResult(user, _issue(context, user, key, issued.session.id), issued.refresh_token)


async def end_session(revocations: RevocationList, db: AsyncSession, session_id: str) -> None:
    await sessions.end(db, session_id)
    await revocations.revoke(db, [revocations.event(SESSION, session_id)])


async def sign_out(context: AppContext, db: AsyncSession, principal: Principal) -> None:
    """End the token's session (its refresh tokens) and the access token itself."""
    events = [context.revocations.event(JTI, principal.jti)]
    if principal.session_id:
        await sessions.end(db, principal.session_id)
        events.append(context.revocations.event(SESSION, principal.session_id))
    await context.revocations.revoke(db, events)


async def _end_sessions(
    revocations: RevocationList,
    db: AsyncSession,
    *,
    user_id: str | None = None,
    api_key_id: str | None = None,
) -> None:
    ended = await sessions.end_all(db, user_id=user_id, api_key_id=api_key_id)
    events = [revocations.event(SESSION, sid) for sid in ended]
    if user_id is not None:
        events.append(revocations.event(USER, user_id))
    if api_key_id is not None:
        events.append(revocations.event(CLIENT, api_key_id))
    await revocations.revoke(db, events)


async def change_password(
    context: AppContext,
    db: AsyncSession,
    principal: Principal,
    body: PasswordChange,
    address: str,
) -> None:
    """Set a new password and end every session and token of the account, this one included.

    The current-password check is a sign-in in disguise, so it shares sign-in's failure limits.
    """
    user = await users_service.get(db, principal.user_id)
    if user is None or user.disabled:
        raise Unauthenticated("the account is disabled")
    await context.limits.before_sign_in(user.email_key, address)
    check = await context.hasher.verify(body.current_password, user.password_hash)
    if not check.valid:
        await context.limits.sign_in_failed(user.email_key, address)
        raise BadRequest("the current password is wrong")
    user.password_hash = await context.hasher.hash(body.new_password)
    ended = await sessions.end_all(db, user_id=user.id)
    events = [context.revocations.event(SESSION, sid) for sid in ended]
    events.append(context.revocations.event(JTI, principal.jti))
    await context.revocations.revoke(db, events)


async def set_disabled(
    revocations: RevocationList, db: AsyncSession, email: str, disabled: bool
) -> User:
    user = await users_service.get_by_email(db, email)
    if user is None:
        raise NotFound(f"no user {email}")
    user.disabled = disabled
    if disabled:
        await _end_sessions(revocations, db, user_id=user.id)
    return user


async def delete_user(revocations: RevocationList, db: AsyncSession, email: str) -> User:
    user = await users_service.get_by_email(db, email)
    if user is None:
        raise NotFound(f"no user {email}")
    await _end_sessions(revocations, db, user_id=user.id)
    await db.delete(user)
    await db.flush()
    return user


async def revoke_api_key(revocations: RevocationList, db: AsyncSession, key_id: str) -> ApiKey:
    """Revoke a key and end every session and access token it backs."""
    key = await api_keys_service.revoke(db, key_id)
    await _end_sessions(revocations, db, api_key_id=key.id)
    return key
