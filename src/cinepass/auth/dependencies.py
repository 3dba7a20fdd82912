"""FastAPI dependencies: the sign-in service, the caller's address and the verified principal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from cinepass import addresses, request_context
from cinepass.auth.service import AuthService
from cinepass.auth.tokens import Principal
from cinepass.errors import (
    STEP_UP_SECONDS,
    BadRequest,
    InsufficientScope,
    InvalidToken,
    StepUpRequired,
    Unauthenticated,
)


async def get_auth(request: Request) -> AuthService:
    # async, so that FastAPI does not send this one-liner to a worker thread per request
    auth: AuthService = request.app.state.auth
    return auth


AuthDep = Annotated[AuthService, Depends(get_auth)]


async def get_client_address(request: Request) -> str:
    """The caller's address for the per-address limits ("unknown" counts transports with none)."""
    return addresses.client_address(request) or "unknown"


ClientAddress = Annotated[str, Depends(get_client_address)]

_MAX_USER_AGENT = 512


async def get_user_agent(request: Request) -> str | None:
    """The client's User-Agent, kept with a new session to name its device (printable, capped)."""
    raw = request.headers.get("user-agent", "")
    printable = "".join(c for c in raw if c.isprintable())[:_MAX_USER_AGENT].strip()
    return printable or None


UserAgent = Annotated[str | None, Depends(get_user_agent)]

_bearer = HTTPBearer(
    auto_error=False,
    description="An access token from POST /api/auth/sign-in.",
)


async def get_principal(
    request: Request,
    security_scopes: SecurityScopes,
    auth: AuthDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # Routers require a principal and routes add their scopes: verify once per request.
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = await _verify(request, auth, credentials)
        request.state.principal = principal
        request_context.identify(principal.user_id, principal.client_id)
    missing = [s for s in security_scopes.scopes if s not in principal.scopes]
    if missing:
        raise InsufficientScope(missing)
    return principal


async def _verify(
    request: Request, auth: AuthService, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    if "access_token" in request.query_params:
        raise BadRequest("tokens in the query string are refused; use the Authorization header")
    if credentials is None:
        if request.headers.get("authorization"):
            raise InvalidToken("the Authorization header must be 'Bearer <token>'")
        raise Unauthenticated("an access token is required")
    return await bearer_principal(auth, credentials.credentials)


async def bearer_principal(auth: AuthService, token: str) -> Principal:
    """The caller a bearer token names: verified (signature, claims, key) and not revoked."""
    principal = await auth.tokens.verify(token)
    if auth.revocations.is_revoked(principal):
        raise InvalidToken("the token has been revoked")
    return principal


def scoped(*scopes: str) -> Any:
    """`Annotated[Principal, scoped(READ_MOVIES)]`: the caller, holding every scope named."""
    return Security(get_principal, scopes=list(scopes))


async def get_recent_principal(
    principal: Annotated[Principal, Depends(get_principal)],
) -> Principal:
    """The caller, if they signed in within the last 10 minutes (SECURITY.md row 53): a
    sensitive change asks for a fresh sign-in, not only a valid token."""
    if not principal.signed_in_within(STEP_UP_SECONDS):
        raise StepUpRequired()
    return principal


# For routes that change how the account signs in: password, email, passkeys, second factor.
RecentPrincipal = Annotated[Principal, Depends(get_recent_principal)]
