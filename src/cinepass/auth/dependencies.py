"""FastAPI dependencies: the app context, a database session, and the verified principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass import addresses
from cinepass.auth.tokens import Principal
from cinepass.context import AppContext
from cinepass.db.engine import session_scope
from cinepass.errors import BadRequest, InsufficientScope, InvalidToken, Unauthenticated


async def get_context(request: Request) -> AppContext:
    # async, so that FastAPI does not send this one-liner to a worker thread per request
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    """One session per request, committed before the response is sent."""
    async with session_scope(context.sessionmaker) as session:
        yield session


# scope="function": commit before the response leaves, so an acknowledged write is durable.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

_bearer = HTTPBearer(
    auto_error=False,
    description="An access token from POST /api/auth/sign-in.",
)


async def get_principal(
    request: Request,
    security_scopes: SecurityScopes,
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # Routers require a principal and routes add their scopes: verify once per request.
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = await _verify(request, context, credentials)
        request.state.principal = principal
    missing = [s for s in security_scopes.scopes if s not in principal.scopes]
    if missing:
        raise InsufficientScope(missing)
    return principal


async def _verify(
    request: Request, context: AppContext, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    if "access_token" in request.query_params:
        raise BadRequest("tokens in the query string are refused; use the Authorization header")
    if credentials is None:
        if request.headers.get("authorization"):
            raise InvalidToken("the Authorization header must be 'Bearer <token>'")
        raise Unauthenticated("an access token is required")
    principal = await context.tokens.verify(credentials.credentials)
    if context.revocations.is_revoked(principal):
        raise InvalidToken("the token has been revoked")
    return principal


def client_address(request: Request) -> str:
    """The caller's address for the per-address limits ("unknown" counts transports with none)."""
    return addresses.client_address(request) or "unknown"


def scoped(*scopes: str) -> Any:
    """`Annotated[Principal, scoped(READ_MOVIES)]`: the caller, holding every scope named."""
    return Security(get_principal, scopes=list(scopes))
