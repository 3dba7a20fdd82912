"""HTTP routes of the second factor: completing a sign-in, turning it on and off."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from cinepass.auth.answers import SignedIn
from cinepass.auth.dependencies import AuthDep, ClientAddress, RecentPrincipal, get_principal
from cinepass.auth.router import signed_in
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.mfa.answers import MfaStatus, RecoveryCodes, TotpSetup
from cinepass.mfa.schemas import CodeProof, SecondFactorSignIn
from cinepass.mfa.service import SecondFactorService
from cinepass.responses import AUTHENTICATED, STEP_UP, errors
from cinepass.schemas import Envelope


async def get_second_factor(request: Request) -> SecondFactorService:
    service: SecondFactorService = request.app.state.second_factor
    return service


# A wrong code is a proof that failed: 403, as a step-up refusal is.
WRONG_CODE: dict[int | str, dict[str, Any]] = {
    403: {
        **STEP_UP[403],
        "description": "The code is wrong or was already used (it counts toward the account's"
        ' sign-in lockout); or, with error "insufficient_user_authentication", the sign-in is'
        " older than 10 minutes: sign in again and retry",
    }
}

SecondFactorDep = Annotated[SecondFactorService, Depends(get_second_factor)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]

# Public: the second step of a sign-in.
router = APIRouter(prefix="/api/auth", tags=["second factor"])
# Authenticated: the caller's own second factor.
account_router = APIRouter(prefix="/api/auth/mfa", tags=["second factor"], responses=AUTHENTICATED)


@router.post(
    "/sign-in/mfa",
    response_model_exclude_none=True,
    summary="Complete a sign-in that answered 202 with a TOTP or recovery code",
    responses=errors(400, 401, 403, 429, 503),
)
async def complete_sign_in(
    body: SecondFactorSignIn,
    db: DbSession,
    auth: AuthDep,
    second_factor: SecondFactorDep,
    address: ClientAddress,
    response: Response,
) -> SignedIn:
    result = await second_factor.complete_sign_in(db, body, address)
    response.headers["Cache-Control"] = "no-store"
    return signed_in(auth, result)


@account_router.get("", summary="Whether your sign-ins ask for a second factor")
async def mfa_status(
    principal: PrincipalDep, db: DbSession, second_factor: SecondFactorDep
) -> Envelope[MfaStatus]:
    return Envelope(data=await second_factor.status(db, principal), message="second factor")


@account_router.post(
    "/totp",
    status_code=status.HTTP_201_CREATED,
    summary="Start setting up an authenticator app: its secret, as text and QR code",
    responses={**errors(409), **STEP_UP},
)
async def begin_totp(
    principal: RecentPrincipal, db: DbSession, second_factor: SecondFactorDep, response: Response
) -> Envelope[TotpSetup]:
    setup = await second_factor.begin_totp(db, principal)
    response.headers["Cache-Control"] = "no-store"
    return Envelope(data=setup, message="scan the code, then confirm with the app's first code")


@account_router.post(
    "/totp/confirm",
    summary="Turn two-step verification on with the app's first code; recovery codes, once",
    responses={**errors(409), **WRONG_CODE},
)
async def confirm_totp(
    body: CodeProof,
    principal: RecentPrincipal,
    db: DbSession,
    second_factor: SecondFactorDep,
    response: Response,
) -> Envelope[RecoveryCodes]:
    codes = await second_factor.confirm_totp(db, principal, body.code)
    response.headers["Cache-Control"] = "no-store"
    return Envelope(
        data=RecoveryCodes(codes=codes),
        message="two-step verification is on; keep these recovery codes somewhere safe",
    )


@account_router.post(
    "/disable",
    summary="Turn two-step verification off, proved by a code",
    responses={**errors(409, 429), **WRONG_CODE},
)
async def disable(
    body: CodeProof,
    principal: RecentPrincipal,
    db: DbSession,
    second_factor: SecondFactorDep,
    address: ClientAddress,
) -> Envelope[None]:
    await second_factor.disable(db, principal, body.code, address)
    return Envelope(data=None, message="two-step verification is off")


@account_router.post(
    "/recovery-codes",
    summary="New recovery codes, proved by a code; the old ones stop working",
    responses={**errors(409, 429), **WRONG_CODE},
)
async def new_recovery_codes(
    body: CodeProof,
    principal: RecentPrincipal,
    db: DbSession,
    second_factor: SecondFactorDep,
    address: ClientAddress,
    response: Response,
) -> Envelope[RecoveryCodes]:
    codes = await second_factor.new_recovery_codes(db, principal, body.code, address)
    response.headers["Cache-Control"] = "no-store"
    return Envelope(data=RecoveryCodes(codes=codes), message="new recovery codes")
