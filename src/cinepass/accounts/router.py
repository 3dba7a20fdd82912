"""HTTP routes of the account: mailed links (verify, reset), the email, the sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status

from cinepass import scopes
from cinepass.accounts.answers import EmailVerified, SessionOut
from cinepass.accounts.schemas import EmailChange, MailRequest, PasswordReset, VerifyEmail
from cinepass.accounts.service import AccountService
from cinepass.auth.answers import SignedIn
from cinepass.auth.dependencies import (
    AuthDep,
    ClientAddress,
    RecentPrincipal,
    UserAgent,
    get_principal,
)
from cinepass.auth.router import SIGN_IN_ANSWERS, account_out, sign_in_answer, signed_in
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.responses import AUTHENTICATED, STEP_UP, errors
from cinepass.schemas import Envelope, ObjectId


async def get_accounts(request: Request) -> AccountService:
    accounts: AccountService = request.app.state.accounts
    return accounts


AccountsDep = Annotated[AccountService, Depends(get_accounts)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]

# Public: the routes a mailed link or a signed-out user reaches.
router = APIRouter(prefix="/api/auth", tags=["account"])
# Authenticated: the caller's own account.
account_router = APIRouter(prefix="/api/auth", tags=["account"], responses=AUTHENTICATED)

RESET_REQUESTED = (
    "if an account uses that address, we sent it a link to choose a new password;"
    " it works for 15 minutes"
)
VERIFICATION_RESENT = (
    "if that address has an account waiting for confirmation, we sent it a new link"
)


@router.post(
    "/verify-email",
    response_model_exclude_none=True,
    summary="Prove an address with the token of a mailed link; signs in with a signin:auth key",
    responses=errors(400, 401, 403, 409),
)
async def verify_email(
    body: VerifyEmail,
    db: DbSession,
    auth: AuthDep,
    accounts: AccountsDep,
    user_agent: UserAgent,
) -> EmailVerified:
    user, result = await accounts.verify_email(db, body, user_agent)
    if result is None:
        return EmailVerified(user=account_out(user))
    signed = signed_in(auth, result)
    return EmailVerified(
        user=account_out(user),
        token=signed.token,
        refresh_token=signed.refresh_token,
        expires_in=signed.expires_in,
    )


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Mail a new verification link (key needs signup:auth); the same answer for any address",
    responses=errors(400, 401, 403, 429, 503),
)
async def resend_verification(
    body: MailRequest,
    db: DbSession,
    accounts: AccountsDep,
    address: ClientAddress,
    background: BackgroundTasks,
) -> Envelope[None]:
    await accounts.accept_mail_request(db, body, scopes.SIGNUP, address)
    background.add_task(accounts.send_verification, str(body.email))
    return Envelope(data=None, message=VERIFICATION_RESENT)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Mail a password-reset link (key needs signin:auth); the same answer for any address",
    responses=errors(400, 401, 403, 429, 503),
)
async def request_password_reset(
    body: MailRequest,
    db: DbSession,
    accounts: AccountsDep,
    address: ClientAddress,
    background: BackgroundTasks,
) -> Envelope[None]:
    await accounts.accept_mail_request(db, body, scopes.SIGNIN, address)
    background.add_task(accounts.send_password_reset, str(body.email))
    return Envelope(data=None, message=RESET_REQUESTED)


@router.post(
    "/password-reset/confirm",
    response_model=SignedIn,
    response_model_exclude_none=True,
    summary="Set a new password with a reset link's token; every other session ends",
    responses={**SIGN_IN_ANSWERS, **errors(400, 401, 403)},
)
async def confirm_password_reset(
    body: PasswordReset,
    db: DbSession,
    auth: AuthDep,
    accounts: AccountsDep,
    user_agent: UserAgent,
) -> SignedIn | Response:
    outcome = await accounts.reset_password(db, body, user_agent)
    return sign_in_answer(auth, outcome)


@account_router.post(
    "/email",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Change your email: a link goes to the new address, which counts once opened",
    responses={**errors(400, 409, 429), **STEP_UP},
)
async def change_email(
    body: EmailChange,
    principal: RecentPrincipal,
    db: DbSession,
    accounts: AccountsDep,
    address: ClientAddress,
) -> Envelope[str]:
    new_email = await accounts.request_email_change(db, principal, body, address)
    return Envelope(
        data=new_email,
        message=f"we sent a link to {new_email}; your email changes when you open it",
    )


@account_router.get("/sessions", summary="Your signed-in sessions, newest first")
async def list_sessions(
    principal: PrincipalDep, db: DbSession, accounts: AccountsDep
) -> Envelope[list[SessionOut]]:
    return Envelope(data=await accounts.sessions(db, principal), message="sessions listed")


@account_router.delete(
    "/sessions/{session_id}",
    summary="Sign out one of your sessions (its refresh and access tokens)",
    responses=errors(404),
)
async def end_session(
    session_id: ObjectId, principal: PrincipalDep, db: DbSession, accounts: AccountsDep
) -> Envelope[str]:
    await accounts.end_session(db, principal, session_id)
    return Envelope(data=session_id, message="session ended")


@account_router.post(
    "/sign-out-everywhere", summary="End every session and access token of your account"
)
async def sign_out_everywhere(
    principal: PrincipalDep, db: DbSession, auth: AuthDep
) -> Envelope[None]:
    await auth.sign_out_everywhere(db, principal)
    return Envelope(data=None, message="signed out everywhere")
