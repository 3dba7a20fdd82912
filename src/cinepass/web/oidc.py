"""Third-party sign-in: the render server as a confidential OpenID Connect client.

Authorization code flow with PKCE (S256), `state` and `nonce` bound to this browser in a
short-lived sealed cookie (SameSite=Lax: it must survive the redirect back), and an exact
redirect URI. The provider's ID token is checked here (signature, iss, aud, exp, nonce) and
again by the API, which alone decides who it signs in as.
"""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from cinepass.addresses import client_address
from cinepass.client import ApiError
from cinepass.config import OidcProvider
from cinepass.errors import BadRequest, NotFound, ServiceUnavailable, error_response
from cinepass.web.gateway import CookieSessionEnded, Gateway
from cinepass.web.session_cookie import WebSession, set_cookie
from cinepass.web.spent import record_key

FLOW_COOKIE = "__Host-cinepass-oidc"
FLOW_SECONDS = 600
_ALGORITHMS = ["RS256", "ES256", "EdDSA", "PS256"]

router = APIRouter(prefix="/auth", tags=["render server"])


def safe_return_to(value: str | None) -> str:
    """A path on our own origin, or "/": never a way out to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x20 for c in value) or ":" in value.split("?", 1)[0]:
        return "/"
    return value


class Providers:
    """Each configured provider's discovery document and signing keys, fetched when needed."""

    def __init__(self, providers: list[OidcProvider], origin: str, timeout: float):
        self.by_id = {p.id: p for p in providers}
        self.origin = origin.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._metadata: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, tuple[float, KeySet]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    def redirect_uri(self, provider: OidcProvider) -> str:
        return f"{self.origin}/auth/oidc/{provider.id}/callback"

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServiceUnavailable(
                "the sign-in provider is unavailable; try again later"
            ) from exc
        if not isinstance(data, dict):
            raise ServiceUnavailable("the sign-in provider answered nonsense")
        return data

    async def metadata(self, provider: OidcProvider) -> dict[str, Any]:
        found = self._metadata.get(provider.id)
        if found is None:
            issuer = provider.issuer.rstrip("/")
            found = await self._get_json(f"{issuer}/.well-known/openid-configuration")
            if str(found.get("issuer", "")).rstrip("/") != issuer:
                raise ServiceUnavailable("the provider's discovery document names another issuer")
            self._metadata[provider.id] = found
        return found

    async def keys(self, provider: OidcProvider, *, fresh: bool = False) -> KeySet:
        cached = self._keys.get(provider.id)
        if cached is not None and not (fresh and time.monotonic() - cached[0] > 30):
            return cached[1]
        document = await self._get_json(str((await self.metadata(provider))["jwks_uri"]))
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        self._keys[provider.id] = (time.monotonic(), keys)
        return keys

    async def exchange(self, provider: OidcProvider, code: str, verifier: str) -> dict[str, Any]:
        """Spend the authorization code (with the PKCE verifier) at the token endpoint."""
        endpoint = str((await self.metadata(provider))["token_endpoint"])
        try:
            response = await self._http.post(
                endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_uri(provider),
                    "code_verifier": verifier,
                },
                auth=httpx.BasicAuth(
                    quote(provider.client_id, safe=""),
                    quote(provider.client_secret.get_secret_value(), safe=""),
                ),
                headers={"Accept": "application/json"},
            )
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServiceUnavailable(
                "the sign-in provider is unavailable; try again later"
            ) from exc
        if response.is_error or not isinstance(data, dict) or "id_token" not in data:
            raise BadRequest("the sign-in provider refused the code")
        return data

    async def verify_id_token(
        self, provider: OidcProvider, id_token: str, nonce: str, access_token: str | None
    ) -> dict[str, Any]:
        issuer = str((await self.metadata(provider))["issuer"])
        try:
            try:
                token = jwt.decode(id_token, await self.keys(provider), algorithms=_ALGORITHMS)
            except (ValueError, JoseError):
                # An unknown key may be a rotation at the provider: read its keys again, once.
                keys = await self.keys(provider, fresh=True)
                token = jwt.decode(id_token, keys, algorithms=_ALGORITHMS)
            claims = CodeIDToken(
                token.claims,
                token.header,
                options={
                    "iss": {"essential": True, "value": issuer},
                    "aud": {"essential": True, "value": provider.client_id},
                },
                params={
                    "nonce": nonce,
                    "client_id": provider.client_id,
                    "access_token": access_token,
                },
            )
            claims.validate(leeway=30)
        except (ValueError, JoseError) as exc:
            raise BadRequest(f"the provider's ID token was refused ({type(exc).__name__})") from exc
        return dict(claims)


async def _providers(request: Request) -> Providers:
    providers: Providers = request.app.state.providers
    return providers


async def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


ProvidersDep = Annotated[Providers, Depends(_providers)]
GatewayDep = Annotated[Gateway, Depends(_gateway)]


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
    response = error_response(400, message)
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
            id_token, gateway.api_key, client_address=client_address(request)
        )
    except ApiError as error:
        return _go("/sign-in", error=error.message)
    session = WebSession.new(
        access_token=signed.token,
        refresh_token=signed.refresh_token,
        expires_in=signed.expires_in,
        remember_me=False,
        user_id=signed.user_id,
        name=signed.name,
        email=signed.email,
    )
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
