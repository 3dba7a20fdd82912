"""The browser's account routes: mailed links (verify, reset), password change, sign out
everywhere. A link's token arrives in a body, never in a URL: no log or Referer holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import StringConstraints

from cinepass.addresses import client_address
from cinepass.auth.answers import AccountOut
from cinepass.client import ApiError, SecondFactorNeeded, SignedInTokens
from cinepass.errors import BadRequest
from cinepass.schemas import Envelope, RequestModel
from cinepass.web.auth_routes import Text, UserAnswer, refusal
from cinepass.web.gateway import CookieSessionEnded, Gateway, GatewayDep
from cinepass.web.roles import token_role
from cinepass.web.session_cookie import WebSession, clear_cookie, set_cookie, user_answer
from cinepass.web.sign_in_steps import finish_sign_in, held_session, second_factor_answer

router = APIRouter(prefix="/auth", tags=["render server"])

Token = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class VerifyEmailBody(RequestModel):
    token: Token
    remember_me: bool = False


class ResendBody(RequestModel):
    email: Text | None = None


class ResetBody(RequestModel):
    email: Text


class ResetConfirmBody(RequestModel):
    token: Token
    password: Text
    remember_me: bool = False


class PasswordChangeBody(RequestModel):
    current_password: Text
    new_password: Text


def _user_agent(request: Request) -> str:
    """The browser's User-Agent for the API to name the session's device; "" for none."""
    return request.headers.get("user-agent", "")


async def _sign_in_browser(
    request: Request,
    response: Response,
    gateway: Gateway,
    tokens: SignedInTokens,
    remember_me: bool,
    *,
    keep_own: bool = False,
) -> None:
    """Sign this browser in with `tokens`; a session it held before is signed out. With
    `keep_own`, a session of the same user is kept instead and the new one ends: the page's
    other requests, still under way with the old cookie, would otherwise find their session
    ended and clear the new cookie."""
    held = await held_session(request, gateway)
    fresh = WebSession.signed_in(tokens, remember_me=remember_me)
    if keep_own and held is not None and held.user_id == fresh.user_id:
        await gateway.end(fresh, client_address(request))
        return
    set_cookie(response, gateway.sealer, fresh)
    if held is not None:
        await gateway.end(held, client_address(request))


async def _current_email(request: Request, response: Response, gateway: Gateway) -> str:
    me = await gateway.fetch(request, response, "/api/auth/me", Envelope[AccountOut])
    return me.data.email


@router.post(
    "/verify-email",
    summary="Open a mailed verification link: the address is proved and this browser signed in",
)
async def verify_email(
    body: VerifyEmailBody, request: Request, response: Response, gateway: GatewayDep
) -> UserAnswer:
    try:
        verified = await gateway.client.verify_email(
            body.token,
            gateway.api_key,
            remember_me=body.remember_me,
            client_address=client_address(request),
            user_agent=_user_agent(request),
        )
    except ApiError as error:
        raise refusal(error) from None
    user = verified.user.model_dump(by_alias=True)
    if verified.signed_in is not None:
        await _sign_in_browser(
            request, response, gateway, verified.signed_in, body.remember_me, keep_own=True
        )
        user["role"] = token_role(verified.signed_in.token)
    return {"user": user}


@router.post(
    "/verify-email/resend",
    status_code=202,
    summary="Mail a new verification link (to the signed-in user's address by default)",
)
async def resend_verification(
    body: ResendBody, request: Request, response: Response, gateway: GatewayDep
) -> dict[str, str]:
    email = (body.email or "").strip()
    if not email:
        try:
            email = await _current_email(request, response, gateway)
        except CookieSessionEnded:
            raise BadRequest("enter the email address to send the link to") from None
    try:
        await gateway.client.resend_verification(
            email, gateway.api_key, client_address=client_address(request)
        )
    except ApiError as error:
        raise refusal(error) from None
    return {
        "message": f"If {email} still needs confirming, we sent a new link to it.",
        "email": email,
    }


@router.post(
    "/password-reset",
    status_code=202,
    summary="Mail a password reset link; the answer never says whether the address has an account",
)
async def request_password_reset(
    body: ResetBody, request: Request, gateway: GatewayDep
) -> dict[str, str]:
    email = body.email.strip()
    try:
        await gateway.client.request_password_reset(
            email, gateway.api_key, client_address=client_address(request)
        )
    except ApiError as error:
        raise refusal(error) from None
    return {
        "message": f"If an account uses {email}, we sent a link to it."
        " The link works for 15 minutes.",
        "email": email,
    }


@router.post(
    "/password-reset/confirm",
    summary="Set a new password with a mailed link: every other session ends, this one begins"
    " (202: once the second factor is given)",
)
async def confirm_password_reset(
    body: ResetConfirmBody, request: Request, gateway: GatewayDep
) -> Response:
    try:
        signed = await gateway.client.confirm_password_reset(
            body.token,
            body.password,
            gateway.api_key,
            remember_me=body.remember_me,
            client_address=client_address(request),
            user_agent=_user_agent(request),
        )
    except SecondFactorNeeded as pending:
        # Every session of the user has ended at the API: this browser's too.
        response = second_factor_answer(gateway.sealer, pending, body.remember_me)
        held = await held_session(request, gateway)
        if held is not None:
            await gateway.end(held, client_address(request))
            clear_cookie(response)
        return response
    except ApiError as error:
        raise refusal(error) from None
    return await finish_sign_in(request, gateway, signed, body.remember_me)


@router.post(
    "/password",
    summary="Change the password: every other browser is signed out, this one stays signed in"
    " (202: once the second factor is given)",
    response_model=None,
)
async def change_password(
    body: PasswordChangeBody, request: Request, response: Response, gateway: GatewayDep
) -> UserAnswer | Response:
    session = await gateway.current(request)
    # The address may have changed since this browser signed in: ask the API.
    email = await _current_email(request, response, gateway)
    await gateway.send(
        request,
        response,
        "POST",
        "/api/auth/password",
        body={"currentPassword": body.current_password, "newPassword": body.new_password},
    )
    # The API ended every session, this one too: sign this browser in again.
    try:
        signed = await gateway.client.sign_in(
            email,
            body.new_password,
            gateway.api_key,
            remember_me=session.remember_me,
            client_address=client_address(request),
            user_agent=_user_agent(request),
        )
    except SecondFactorNeeded as challenge:
        await gateway.spend(session)
        pending = second_factor_answer(
            gateway.sealer, challenge, session.remember_me, user_id=session.user_id
        )
        clear_cookie(pending)
        return pending
    except ApiError:
        raise CookieSessionEnded("your password was changed; sign in with the new one") from None
    set_cookie(
        response, gateway.sealer, WebSession.signed_in(signed, remember_me=session.remember_me)
    )
    return {"user": user_answer(signed)}


@router.post("/sign-out-everywhere", summary="End every session of this account, in every browser")
async def sign_out_everywhere(
    request: Request, response: Response, gateway: GatewayDep
) -> dict[str, str]:
    session = await gateway.current(request)
    await gateway.send(request, response, "POST", "/api/auth/sign-out-everywhere")
    await gateway.spend(session)
    clear_cookie(response)
    return {"message": "signed out everywhere"}
