"""The browser's second sign-in step (a code) and re-authentication (step-up) with a password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import StringConstraints
from starlette.responses import Response

from cinepass.addresses import client_address
from cinepass.auth.answers import AccountOut
from cinepass.client import ApiError, SecondFactorNeeded
from cinepass.errors import Unauthenticated, error_response_for
from cinepass.schemas import Envelope, RequestModel
from cinepass.web.auth_routes import Text, refusal
from cinepass.web.gateway import GatewayDep, upstream_failure
from cinepass.web.sign_in_steps import (
    PENDING_MAX_SECONDS,
    carry_cookies,
    clear_pending,
    finish_sign_in,
    open_pending,
    second_factor_answer,
)
from cinepass.web.spent import record_key

router = APIRouter(prefix="/auth", tags=["render server"])

Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
EXPIRED = "this sign-in has expired; sign in again"


class SecondFactorBody(RequestModel):
    code: Code


class ReauthenticateBody(RequestModel):
    password: Text


def _expired() -> Response:
    response = error_response_for(Unauthenticated(EXPIRED, challenge=""))
    clear_pending(response)
    return response


@router.post(
    "/sign-in/mfa",
    summary="Finish a sign-in with a code from the authenticator app or a recovery code",
)
async def sign_in_second_factor(
    body: SecondFactorBody, request: Request, gateway: GatewayDep
) -> Response:
    pending = open_pending(gateway.sealer, request)
    if pending is None:
        return _expired()
    spent_key = record_key("mfa", pending.mfa_token)
    if await gateway.spent.is_spent(spent_key):
        return _expired()
    try:
        signed = await gateway.client.complete_sign_in(
            pending.mfa_token,
            body.code,
            gateway.api_key,
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except ApiError as error:
        failure = upstream_failure(error)
        if isinstance(failure, Unauthenticated) and "expired" in error.message:
            return _expired()
        if isinstance(failure, Unauthenticated):
            # A wrong code: the pending cookie stays, for another try (the API counts them).
            raise Unauthenticated(error.message, challenge="") from None
        raise refusal(error) from None
    await gateway.spent.spend(spent_key, PENDING_MAX_SECONDS)
    return await finish_sign_in(
        request, gateway, signed, pending.remember_me, as_user=pending.user_id
    )


@router.post(
    "/reauthenticate",
    summary="Confirm it is you (step-up): sign in again as this browser's user, with the password",
)
async def reauthenticate(
    body: ReauthenticateBody, request: Request, gateway: GatewayDep
) -> Response:
    session = await gateway.current(request)
    # The address may have changed since this browser signed in: ask the API. A refresh on the
    # way re-seals the cookie, which must reach the browser whatever the answer.
    refreshed = Response()
    me = await gateway.fetch(request, refreshed, "/api/auth/me", Envelope[AccountOut])
    try:
        signed = await gateway.client.sign_in(
            me.data.email,
            body.password,
            gateway.api_key,
            remember_me=session.remember_me,
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except SecondFactorNeeded as challenge:
        response = second_factor_answer(
            gateway.sealer, challenge, session.remember_me, user_id=session.user_id
        )
        carry_cookies(refreshed, response)
        return response
    except ApiError as error:
        failure = refusal(error)
        if isinstance(failure, Unauthenticated):
            failure = Unauthenticated("that password is not right", challenge="")
        response = error_response_for(failure)
        carry_cookies(refreshed, response)
        return response
    return await finish_sign_in(
        request, gateway, signed, session.remember_me, as_user=session.user_id
    )
