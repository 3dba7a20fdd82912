"""The third-party sign-in routes: the list of providers, the start and the redirect back."""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import quote

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from cinepass.addresses import client_address
from cinepass.client import ApiError, SecondFactorNeeded
from cinepass.config import OidcProvider
from cinepass.errors import BadRequest, NotFound, ServiceUnavailable, error_response_for
from cinepass.web.gateway import CookieSessionEnded, Gateway, GatewayDep
from cinepass.web.oidc.providers import Providers
from cinepass.web.oidc.return_to import safe_return_to
from cinepass.web.session_cookie import WebSession, set_cookie
from cinepass.web.sign_in_steps import set_pending
from cinepass.web.spent import record_key

FLOW_COOKIE = "__Host-cinepass-oidc"
FLOW_SECONDS = 600

router = APIRouter(prefix="/auth", tags=["render server"])


async def _providers(request: Request) -> Providers:
    providers: Providers = request.app.state.providers
    return providers


ProvidersDep = Annotated[Providers, Depends(_providers)]


def _provider(providers: Providers, provider_id: str) -> OidcProvider:
    provider = providers.by_id.get(provider_id)
    if provider is None:
        raise NotFound("no such sign-in provider")
    return provider


def _go(path: str, *, error: str | None = None) -> RedirectResponse:
    target = f"{path}{'&' if '?' in path else '?'}error={quote(error)}" if error else path
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(FLOW_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.get("/providers", summary="Third-party sign-in providers")
async def list_providers(providers: ProvidersDep) -> dict[str, list[dict[str, str]]]:
    return {"providers": [{"id": p.id, "name": p.name} for p in providers.by_id.values()]}


@router.get("/oidc/{provider_id}/login", summary="Start signing in (or linking) with a provider")
async def login(
    provider_id: str,
    request: Request,
    providers: ProvidersDep,
    gateway: GatewayDep,
    intent: Annotated[str, Query(pattern="^(signin|link)$")] = "signin",
    return_to: Annotated[str | None, Query(alias="returnTo", max_length=512)] = None,
) -> Response:
    provider = _provider(providers, provider_id)
    flow: dict[str, Any] = {
        "provider": provider.id,
        "state": generate_token(32),
        "nonce": generate_token(32),
        "verifier": generate_token(64),
        "intent": intent,
        "return_to": safe_return_to(return_to),
        # The cookie's Max-Age is the browser's business; this is ours.
        "expires_at": int(time.time()) + FLOW_SECONDS,
    }
    if intent == "link":
        try:
            # The session cookie is SameSite=Strict and will not come back with the provider's
            # redirect: the tokens needed to link ride along in the sealed flow cookie.
            flow["session"] = asdict(await gateway.current(request))
        except CookieSessionEnded:
            return _go("/sign-in", error="sign in first, then link a provider")
    try:
        metadata = await providers.metadata(provider)
    except ServiceUnavailable:
        failure = "/account" if intent == "link" else "/sign-in"
        return _go(failure, error=f"{provider.name} is unavailable right now; try again later")
    url = prepare_grant_uri(
        str(metadata["authorization_endpoint"]),
        provider.client_id,
        "code",
        redirect_uri=providers.redirect_uri(provider),
        scope=provider.scopes,
        state=flow["state"],
        nonce=flow["nonce"],
        code_challenge=create_s256_code_challenge(flow["verifier"]),
        code_challenge_method="S256",
    )
    response = RedirectResponse(url, status_code=302)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        FLOW_COOKIE,
        gateway.sealer.seal_data(flow, FLOW_COOKIE),
        max_age=FLOW_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return response


def _refused(message: str) -> Response:
    response = error_response_for(BadRequest(message))
    response.delete_cookie(FLOW_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.get("/oidc/{provider_id}/callback", summary="The provider's redirect back")
async def callback(
    provider_id: str, request: Request, providers: ProvidersDep, gateway: GatewayDep
) -> Response:
    provider = _provider(providers, provider_id)
    flow = gateway.sealer.open_data(request.cookies.get(FLOW_COOKIE), FLOW_COOKIE)
    sent_state = request.query_params.get("state", "")
    if (
        flow is None
        or flow.get("provider") != provider.id
        or not sent_state
        or not hmac.compare_digest(str(flow.get("state", "")), sent_state)
    ):
        # Missing, altered or replayed state, or a callback opened in another browser.
        return _refused("this sign-in could not be verified; start again")
    expires_at = flow.get("expires_at")
    remaining = expires_at - time.time() if isinstance(expires_at, int) else 0.0
    if remaining <= 0:
        return _refused("this sign-in took too long; start again")
    # Single use on our side, whatever the provider allows: a replayed callback is refused.
    if not await gateway.spent.spend(record_key("oidc-state", sent_state), remaining):
        return _refused("this sign-in could not be verified; start again")
    failure_page = "/account" if flow["intent"] == "link" else "/sign-in"
    if "error" in request.query_params:
        reason = request.query_params.get("error_description") or request.query_params["error"]
        return _go(failure_page, error=f"{provider.name} sign-in was not completed: {reason[:200]}")
    code = request.query_params.get("code")
    if not code:
        return _refused("the provider sent no authorization code")
    try:
        tokens = await providers.exchange(provider, code, str(flow["verifier"]))
        await providers.verify_id_token(
            provider, str(tokens["id_token"]), str(flow["nonce"]), tokens.get("access_token")
        )
    except (BadRequest, ServiceUnavailable) as exc:
        return _go(failure_page, error=exc.message)
    id_token = str(tokens["id_token"])
    if flow["intent"] == "link":
        return await _link(request, gateway, provider, flow, id_token)
    try:
        signed = await gateway.client.sign_in_with_provider(
            id_token,
            gateway.api_key,
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except SecondFactorNeeded as challenge:
        # The SPA's sign-in page asks for the code, then goes on to where the flow was going.
        pending = _go(f"/sign-in?step=code&next={quote(str(flow['return_to']), safe='/')}")
        set_pending(pending, gateway.sealer, challenge, remember_me=False)
        return pending
    except ApiError as error:
        return _go("/sign-in", error=error.message)
    session = WebSession.signed_in(signed, remember_me=False)
    response = _go(str(flow["return_to"]))
    set_cookie(response, gateway.sealer, session)
    return response


async def _link(
    request: Request,
    gateway: Gateway,
    provider: OidcProvider,
    flow: dict[str, Any],
    id_token: str,
) -> Response:
    session = WebSession(**flow["session"])
    response = _go(f"/account?linked={provider.id}")
    try:
        answer = await gateway.call(
            request,
            response,
            "POST",
            "/api/auth/identities",
            body=json.dumps({"idToken": id_token}).encode(),
            session=session,
        )
    except CookieSessionEnded:
        return _go("/sign-in", error="your session ended; sign in and link again")
    if answer.status_code >= 400:
        try:
            message = str(json.loads(answer.content).get("message", "linking failed"))
        except ValueError:
            message = "linking failed"
        return _go("/account", error=message)
    return response
