"""HTTP routes for /api/auth (public: sign-up and sign-in) and the JWKS document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from cinepass.auth import service
from cinepass.auth.dependencies import ContextDep, SessionDep
from cinepass.auth.schemas import SignedIn, SignIn, SignUp, UserOut
from cinepass.responses import errors
from cinepass.schemas import Envelope

router = APIRouter(prefix="/api/auth", tags=["auth"])
jwks_router = APIRouter(tags=["auth"])

_basic = HTTPBasic(auto_error=False, description="The user's email and password")


@router.post(
    "/sign-up",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account (the client's API key needs signup:auth)",
    responses=errors(400, 401, 403, 409, 503),
)
async def sign_up(body: SignUp, session: SessionDep, context: ContextDep) -> Envelope[str]:
    user = await service.sign_up(context, session, body)
    return Envelope(data=user.id, message="user created")


@router.post(
    "/sign-in",
    summary="Exchange email, password and an API key for an access token",
    responses=errors(400, 401, 403, 503),
)
async def sign_in(
    body: SignIn,
    session: SessionDep,
    context: ContextDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> SignedIn:
    result = await service.sign_in(
        context,
        session,
        email=credentials.username if credentials else None,
        password=credentials.password if credentials else None,
        api_key_token=body.api_key_token,
    )
    user = result.user
    return SignedIn(
        token=result.access.token, user=UserOut(id=user.id, name=user.name, email=user.email)
    )


@jwks_router.get("/.well-known/jwks.json", summary="The public keys that verify access tokens")
async def jwks(context: ContextDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=60"
    return context.keys.jwks()
