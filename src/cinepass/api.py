"""create_app() for the API server: routers, error handlers, middleware and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cinepass import health
from cinepass.auth import router as auth_router
from cinepass.auth.dependencies import scoped
from cinepass.body_limits import BodyLimits
from cinepass.config import Settings, get_settings
from cinepass.context import AppContext
from cinepass.errors import install_error_handlers
from cinepass.headers import SecurityHeaders
from cinepass.log_config import configure_logging
from cinepass.movies import router as movies_router
from cinepass.request_guards import guard_request
from cinepass.responses import EVERY_ROUTE
from cinepass.user_movies import router as user_movies_router

# The only routes reachable without an access token.
PUBLIC_ROUTERS: tuple[APIRouter, ...] = (health.router, auth_router.router, auth_router.jwks_router)
# Every route of these requires a verified principal; each route adds the scopes it needs.
PROTECTED_ROUTERS: tuple[APIRouter, ...] = (
    auth_router.account_router,
    movies_router.router,
    user_movies_router.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = AppContext.build(settings)
        app.state.context = context
        try:
            await context.start()
            yield
        finally:
            await context.close()

    app = FastAPI(
        title="cinepass API",
        version="1.0.0",
        description=(
            "Movies, users' lists and sign-in. Clients sign in with HTTP Basic and their API key"
            " and get a short-lived access token (an RFC 9068 JWT) that carries the scopes the"
            " key grants and the user's role allows."
        ),
        lifespan=lifespan,
        dependencies=[Depends(guard_request)],
        # Starlette's slash redirect builds its Location from the Host header.
        redirect_slashes=False,
    )
    install_error_handlers(app)
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.requests.body_max_bytes,
        max_json_depth=settings.requests.json_max_depth,
    )
    app.add_middleware(SecurityHeaders)
    if settings.requests.trusted_proxies:
        # Only a listed proxy's X-Forwarded-For is believed: it sets the client address
        # that per-address limits count.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.requests.trusted_proxies)
    for router in PUBLIC_ROUTERS:
        app.include_router(router, responses=EVERY_ROUTE)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, dependencies=[scoped()], responses=EVERY_ROUTE)
    return app
