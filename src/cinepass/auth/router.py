"""HTTP routes for /api/auth and the JWKS document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasicCredentials

from cinepass.auth import identities
from cinepass.auth.answers import (
    AccountOut,
    IdentityOut,
    SecondFactorRequired,
    SignedIn,
    UserOut,
)
from cinepass.auth.basic import Utf8Basic
from cinepass.auth.dependencies import (
    AuthDep,
    ClientAddress,
    RecentPrincipal,
    UserAgent,
    get_principal,
)
from cinepass.auth.schemas import (
    IdentityLink,
    PasswordChange,
    ProviderSignIn,
    Refresh,
    SignIn,
    SignUp,
)
from cinepass.auth.service import SecondFactorPending, SignInOutcome, SignInResult
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.errors import Unauthenticated
from cinepass.responses import AUTHENTICATED, STEP_UP, errors
from cinepass.schemas import Envelope, ObjectId
from cinepass.users import service as users_service
from cinepass.users.models import User

# Public: the routes that hand out tokens.
router = APIRouter(prefix="/api/auth", tags=["auth"])
# Authenticated: the routes that act on the caller's own session and account.
account_router = APIRouter(prefix="/api/auth", tags=["auth"], responses=AUTHENTICATED)
jwks_router = APIRouter(tags=["auth"])

_basic = Utf8Basic(description="The user's email and password, UTF-8 (RFC 7617)")
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def account_out(user: User) -> AccountOut:
    return AccountOut(
        id=user.id, name=user.name, email=user.email, email_verified=user.email_verified
    )


def signed_in(auth: AuthDep, result: SignInResult) -> SignedIn:
    return SignedIn(
        token=result.access.token,
        refresh_token=result.refresh_token,
        expires_in=auth.tokens.ttl_seconds,
        user=UserOut(id=result.user.id, name=result.user.name, email=result.user.email),
    )


# The routes that sign in answer 200 with tokens, or 202 when a second factor must follow.
SIGN_IN_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "Signed in"},
    202: {
        "model": SecondFactorRequired,
        "description": "The account has a second factor: complete with POST /api/auth/sign-in/mfa",
    },
}


def sign_in_answer(auth: AuthDep, outcome: SignInOutcome) -> SignedIn | Response:
    """200 and the tokens, or 202 and the second-factor challenge (no tokens)."""
    if isinstance(outcome, SecondFactorPending):
        pending = SecondFactorRequired(mfa_token=outcome.mfa_token, expires_in=outcome.expires_in)
        return JSONResponse(
            pending.model_dump(mode="json", by_alias=True),
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Cache-Control": "no-store"},
        )
    return signed_in(auth, outcome)


@router.post(
    "/sign-up",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account (the client's API key needs signup:auth)",
    responses=errors(400, 401, 403, 409, 429, 503),
)
async def sign_up(
    body: SignUp, db: DbSession, auth: AuthDep, address: ClientAddress
) -> Envelope[str]:
    user = await auth.sign_up(db, body, address)
    return Envelope(data=user.id, message="user created")


@router.post(
    "/sign-in",
    response_model=SignedIn,
    response_model_exclude_none=True,
    summary="Exchange email, password and an API key for an access and a refresh token",
    responses={**SIGN_IN_ANSWERS, **errors(400, 401, 403, 429, 503)},
)
async def sign_in(
    body: SignIn,
    db: DbSession,
    auth: AuthDep,
    address: ClientAddress,
    user_agent: UserAgent,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> SignedIn | Response:
    outcome = await auth.sign_in(
        db,
        email=credentials.username if credentials else None,
        password=credentials.password if credentials else None,
        api_key_token=body.api_key_token,
        remember_me=body.remember_me,
        address=address,
        user_agent=user_agent,
    )
    return sign_in_answer(auth, outcome)


@router.post(
    "/sign-provider",
    response_model=SignedIn,
    response_model_exclude_none=True,
    summary="Exchange a trusted provider's ID token (key needs signin:provider) for tokens",
    responses={**SIGN_IN_ANSWERS, **errors(400, 401, 403, 409, 429, 503)},
)
async def sign_provider(
    body: ProviderSignIn,
    db: DbSession,
    auth: AuthDep,
    address: ClientAddress,
    user_agent: UserAgent,
) -> SignedIn | Response:
    outcome = await auth.sign_in_with_provider(db, body, address, user_agent)
    return sign_in_answer(auth, outcome)


@router.post(
    "/refresh",
    response_model_exclude_none=True,
    summary="Spend a refresh token for a new access and refresh token (rotation)",
    responses=errors(400, 401, 403, 429, 503),
)
async def refresh(body: Refresh, db: DbSession, auth: AuthDep, address: ClientAddress) -> SignedIn:
    result = await auth.refresh(
        db,
        refresh_token=body.refresh_token,
        api_key_token=body.api_key_token,
        address=address,
    )
    return signed_in(auth, result)


@account_router.get("/me", summary="Who the access token is for, as the account is now")
async def me(principal: PrincipalDep, db: DbSession) -> Envelope[AccountOut]:
    user = await users_service.get(db, principal.user_id)
    if user is None or user.disabled:
        raise Unauthenticated("the account is disabled")
    return Envelope(data=account_out(user), message="user retrieved")


@account_router.get("/identities", summary="Your linked third-party accounts")
async def list_identities(principal: PrincipalDep, db: DbSession) -> Envelope[list[IdentityOut]]:
    found = await identities.list_for(db, principal.user_id)
    data = [IdentityOut.model_validate(i, from_attributes=True) for i in found]
    return Envelope(data=data, message="identities listed")


@account_router.post(
    "/identities",
    status_code=status.HTTP_201_CREATED,
    summary="Link a third-party account (its ID token) to yours: a new way to sign in",
    responses={200: {"description": "Already linked to you"}, **errors(409), **STEP_UP},
)
async def link_identity(
    body: IdentityLink,
    principal: RecentPrincipal,
    db: DbSession,
    auth: AuthDep,
    response: Response,
) -> Envelope[str]:
    identity, created = await auth.link_identity(db, principal, body.id_token)
    if not created:
        response.status_code = status.HTTP_200_OK
    return Envelope(data=identity.id, message="identity linked")


@account_router.delete(
    "/identities/{identity_id}",
    summary="Unlink a third-party account",
    responses={**errors(404, 409), **STEP_UP},
)
async def unlink_identity(
    identity_id: ObjectId, principal: RecentPrincipal, db: DbSession, auth: AuthDep
) -> Envelope[str]:
    await auth.unlink_identity(db, principal, identity_id)
    return Envelope(data=identity_id, message="identity unlinked")


@account_router.post("/sign-out", summary="End this session: its refresh and access tokens")
async def sign_out(principal: PrincipalDep, db: DbSession, auth: AuthDep) -> Envelope[None]:
    await auth.sign_out(db, principal)
    return Envelope(data=None, message="signed out")


@account_router.post(
    "/password",
    summary="Change your password; every session of the account ends",
    responses={**errors(400, 429), **STEP_UP},
)
async def change_password(
    body: PasswordChange,
    principal: RecentPrincipal,
    db: DbSession,
    auth: AuthDep,
    address: ClientAddress,
) -> Envelope[None]:
    await auth.change_password(db, principal, body, address)
    return Envelope(data=None, message="password changed; sign in again")


@jwks_router.get("/.well-known/jwks.json", summary="The public keys that verify access tokens")
async def jwks(auth: AuthDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=60"
    return auth.keys.jwks()
