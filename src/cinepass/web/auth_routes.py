"""The browser's sign-in, sign-up, sign-out and session routes; tokens stay in the cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasicCredentials
from pydantic import StringConstraints

from cinepass.addresses import client_address
from cinepass.auth.answers import AccountOut
from cinepass.auth.basic import Utf8Basic
from cinepass.client import ApiError, SecondFactorNeeded
from cinepass.errors import (
    ApplicationError,
    BadRequest,
    Conflict,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
    error_response_for,
)
from cinepass.schemas import Envelope, RequestModel
from cinepass.web.gateway import (
    UNAVAILABLE_RETRY_SECONDS,
    CookieSessionEnded,
    GatewayDep,
    form_details,
    upstream_failure,
)
from cinepass.web.roles import token_role
from cinepass.web.session_cookie import COOKIE_NAME, clear_cookie
from cinepass.web.sign_in_steps import finish_sign_in, second_factor_answer

router = APIRouter(prefix="/auth", tags=["render server"])
# Browsers get the SPA's form, never a Basic prompt: the 401s below send no WWW-Authenticate.
_basic = Utf8Basic(challenge=False)

Text = Annotated[str, StringConstraints(max_length=1024, strip_whitespace=False)]
UserAnswer = dict[str, dict[str, str | bool]]
SessionAnswer = dict[str, bool | dict[str, str | bool]]


class SignInBody(RequestModel):
    email: Text | None = None
    password: Text | None = None
    remember_me: bool = False


class SignUpBody(RequestModel):
    name: Text
    email: Text
    password: Text


def refusal(error: ApiError) -> ApplicationError:
    """An API refusal of the browser's credentials or form, as the browser should see it."""
    failure = upstream_failure(error)
    if isinstance(failure, Unauthenticated):
        return Unauthenticated("wrong email or password", challenge="")
    if isinstance(failure, TooManyRequests):
        return TooManyRequests.after("too many attempts", error.retry_after or 60)
    if isinstance(failure, BadRequest):
        failure.details = form_details(error)
    return failure


@router.post(
    "/sign-in",
    summary="Sign in; the tokens go into the sealed cookie (202: a second factor is wanted)",
)
async def sign_in(
    body: SignInBody,
    request: Request,
    gateway: GatewayDep,
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> Response:
    email = body.email if body.email is not None else (basic.username if basic else "")
    password = body.password if body.password is not None else (basic.password if basic else "")
    try:
        signed = await gateway.client.sign_in(
            email,
            password,
            gateway.api_key,
            remember_me=body.remember_me,
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except SecondFactorNeeded as pending:
        return second_factor_answer(gateway.sealer, pending, body.remember_me)
    except ApiError as error:
        raise refusal(error) from None
    # Always a new cookie: whatever the browser held before (planted or not) is replaced.
    return await finish_sign_in(request, gateway, signed, body.remember_me)


@router.post(
    "/sign-up",
    status_code=201,
    summary="Create an account; the answer is the same when the address already has one",
)
async def sign_up(body: SignUpBody, request: Request, gateway: GatewayDep) -> dict[str, str]:
    try:
        await gateway.client.sign_up(
            body.name,
            body.email,
            body.password,
            gateway.api_key,
            client_address=client_address(request),
        )
    except ApiError as error:
        failure = refusal(error)
        # The same answer whether or not the email was taken: its owner gets a mail instead.
        if not isinstance(failure, Conflict):
            raise failure from None
    email = body.email.strip()
    return {
        "message": f"We sent a link to {email}. Open it to confirm your address.",
        "email": email,
    }


@router.post(
    "/sign-out",
    summary="Sign out: the cookie is never accepted again; 503 if the API could not be told yet",
)
async def sign_out(request: Request, gateway: GatewayDep) -> Response:
    try:
        session = await gateway.current(request)
    except CookieSessionEnded:
        session = None
    if session is None or await gateway.end(session, client_address(request)):
        response: Response = JSONResponse({"message": "signed out"})
    else:
        response = error_response_for(
            ServiceUnavailable(
                "signed out in this browser, but the sign-in service could not be told yet;"
                " it will be, and this session will not be accepted again",
                retry_after=UNAVAILABLE_RETRY_SECONDS,
            )
        )
    clear_cookie(response)
    return response


@router.get(
    "/session",
    response_model=None,
    summary="The signed-in user as the API has it now, or signedIn false (200 either way)",
)
async def current_session(
    request: Request, response: Response, gateway: GatewayDep
) -> SessionAnswer | Response:
    try:
        session = await gateway.current(request)
        me = await gateway.fetch(request, response, "/api/auth/me", Envelope[AccountOut])
    except CookieSessionEnded:
        # Not an error for the page asking: a signed-out visitor is a normal state of the app.
        signed_out = JSONResponse({"signedIn": False}, headers={"Cache-Control": "no-store"})
        if COOKIE_NAME in request.cookies:
            clear_cookie(signed_out)
        return signed_out
    user = me.data.model_dump(by_alias=True)
    return {"signedIn": True, "user": {**user, "role": token_role(session.access_token)}}
