"""The browser's passkey sign-in: the API's WebAuthn options relayed, the assertion sent back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from cinepass.addresses import client_address
from cinepass.client import ApiError
from cinepass.errors import Unauthenticated
from cinepass.schemas import RequestModel
from cinepass.web.auth_routes import refusal
from cinepass.web.gateway import GatewayDep, upstream_failure
from cinepass.web.second_factor_routes import Code
from cinepass.web.sign_in_steps import NO_STORE, finish_sign_in

router = APIRouter(prefix="/auth", tags=["render server"])
FAILED = "passkey sign-in failed"


class PasskeyOptionsBody(RequestModel):
    pass


class PasskeySignInBody(RequestModel):
    ceremony_token: Code
    credential: dict[str, Any]
    remember_me: bool = False
    # Step-up: the passkey must be the signed-in user's own.
    reauthenticate: bool = False


@router.post("/passkey/options", summary="Start a passkey sign-in: options for the browser")
async def passkey_options(
    request: Request, gateway: GatewayDep, body: PasskeyOptionsBody | None = None
) -> Response:
    try:
        ceremony = await gateway.client.passkey_options(
            gateway.api_key, client_address=client_address(request)
        )
    except ApiError as error:
        raise refusal(error) from None
    return JSONResponse(
        {"ceremonyToken": ceremony.ceremony_token, "options": ceremony.options}, headers=NO_STORE
    )


@router.post(
    "/sign-in/passkey",
    summary="Sign in (or confirm it is you, with `reauthenticate`) with a passkey's assertion",
)
async def sign_in_with_passkey(
    body: PasskeySignInBody, request: Request, gateway: GatewayDep
) -> Response:
    as_user = ""
    remember_me = body.remember_me
    if body.reauthenticate:
        held = await gateway.current(request)
        as_user, remember_me = held.user_id, held.remember_me
    try:
        signed = await gateway.client.sign_in_with_passkey(
            body.ceremony_token,
            body.credential,
            gateway.api_key,
            remember_me=remember_me,
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except ApiError as error:
        if isinstance(upstream_failure(error), Unauthenticated):
            raise Unauthenticated(FAILED, challenge="") from None
        raise refusal(error) from None
    return await finish_sign_in(request, gateway, signed, remember_me, as_user=as_user)
