"""Sign-up and sign-in: API key checks, password checks and token issue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.api_keys import service as api_keys_service
from cinepass.api_keys.models import ApiKey
from cinepass.auth import scopes
from cinepass.auth.schemas import SignUp
from cinepass.auth.tokens import IssuedToken
from cinepass.context import AppContext
from cinepass.errors import InsufficientScope, InvalidCredentials, Unauthenticated
from cinepass.users import service as users_service
from cinepass.users.models import User


@dataclass(frozen=True)
class SignInResult:
    user: User
    access: IssuedToken


async def client_key(session: AsyncSession, token: str | None, needs: str) -> ApiKey:
    """The calling client's API key, which must be active and hold `needs`."""
    key = await api_keys_service.find_active(session, token) if token else None
    if key is None:
        raise Unauthenticated("invalid API key", challenge="")
    if needs not in key.scope_list:
        raise InsufficientScope([needs])
    return key


async def sign_up(context: AppContext, session: AsyncSession, body: SignUp) -> User:
    await client_key(session, body.api_key_token, scopes.SIGNUP)
    password_hash = await context.hasher.hash(body.password)
    return await users_service.create(
        session, name=body.name, email=str(body.email), password_hash=password_hash
    )


async def sign_in(
    context: AppContext,
    session: AsyncSession,
    *,
    email: str | None,
    password: str | None,
    api_key_token: str | None,
) -> SignInResult:
    """Check the key, then the password; unknown users cost the same time as wrong passwords."""
    key = await client_key(session, api_key_token, scopes.SIGNIN)
    if not email or password is None or "\x00" in email:
        raise InvalidCredentials()
    user = await users_service.get_by_email(session, email)
    usable = user is not None and not user.disabled
    check = await context.hasher.verify(password, user.password_hash if usable and user else None)
    if not check.valid or user is None:
        raise InvalidCredentials()
    if check.new_hash:
        user.password_hash = check.new_hash
    access = context.tokens.issue(
        user_id=user.id,
        name=user.name,
        email=user.email,
        role=user.role.value,
        scopes=scopes.granted_scopes(key.scope_list, user.role),
        client_id=key.id,
    )
    return SignInResult(user=user, access=access)
