"""create_app() for the API server: routers, event subscribers, error handlers, middleware and
lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cinepass import health
from cinepass.accounts import router as accounts_router
from cinepass.accounts.mails import AccountMail
from cinepass.accounts.service import AccountService
from cinepass.api_docs import install_docs
from cinepass.audit import router as audit_router
from cinepass.audit.recorder import AuditTrail
from cinepass.auth import router as auth_router
from cinepass.auth.dependencies import scoped
from cinepass.auth.rate_limits import AbuseLimits
from cinepass.auth.revocation import RevocationList
from cinepass.auth.session_endings import SessionEndings
from cinepass.body_limits import BodyLimits
from cinepass.config import Settings, get_settings
from cinepass.console import router as console_router
from cinepass.context import AppContext, revocation_list
from cinepass.curation import router as curation_router
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.errors import install_error_handlers
from cinepass.events import (
    ApiKeyRevoked,
    EmailChanged,
    Events,
    PasswordChanged,
    SignedOutEverywhere,
    SignInMethodsChanged,
    SignUpOfTakenEmail,
    UserDeleted,
    UserDisabled,
    UserRoleChanged,
    UserSignedUp,
)
from cinepass.headers import SecurityHeaders, security_headers
from cinepass.log_config import configure_logging
from cinepass.mail.outbox import Mailer
from cinepass.media import router as media_router
from cinepass.media.dependencies import Media
from cinepass.metrics import listener as metrics_listener
from cinepass.metrics.asgi import RequestMetrics, RequestRecorder
from cinepass.metrics.database import watch_pool
from cinepass.mfa import router as mfa_router
from cinepass.mfa.service import SecondFactorService
from cinepass.movies import router as movies_router
from cinepass.movies.fast_lane import MovieListLane
from cinepass.passkeys import router as passkeys_router
from cinepass.request_context import RequestContext
from cinepass.request_guards import QueryRules, guard_request
from cinepass.responses import EVERY_ROUTE
from cinepass.tracing import NATIVE_TELEMETRY_OFF, Tracing
from cinepass.user_movies import router as user_movies_router
from cinepass.watching import router as watching_router

# What /openapi.json's info.title says: `cinepass up` knows a running instance by it.
API_TITLE = "cinepass API"

# The only routes reachable without an access token.
PUBLIC_ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth_router.router,
    accounts_router.router,
    mfa_router.router,
    passkeys_router.router,
    auth_router.jwks_router,
    # A signed URL is its own authorisation (cinepass.media.signing).
    media_router.files_router,
)
# Every route of these requires a verified principal; each route adds the scopes it needs.
# The admin movie import takes a file: the one route allowed a larger body.
IMPORT_PATH = "/api/admin/movies/import"

PROTECTED_ROUTERS: tuple[APIRouter, ...] = (
    auth_router.account_router,
    accounts_router.account_router,
    mfa_router.account_router,
    passkeys_router.account_router,
    curation_router.router,
    watching_router.router,
    movies_router.router,
    user_movies_router.router,
    media_router.router,
    console_router.router,
    audit_router.router,
)


def subscribe(
    events: Events, revocations: RevocationList, mail: AccountMail, audit: AuditTrail | None
) -> None:
    """Who reacts to what: every subscriber of the API process (and of the CLI's changes)."""
    # First: the audit row is written before a later subscriber can fail the change.
    if audit is not None:
        audit.subscribe(events)
    endings = SessionEndings(revocations)
    events.subscribe(UserDisabled, endings.user_gone)
    events.subscribe(UserDeleted, endings.user_gone)
    events.subscribe(UserRoleChanged, endings.role_changed)
    events.subscribe(ApiKeyRevoked, endings.api_key_revoked)
    events.subscribe(PasswordChanged, endings.all_sessions_end)
    events.subscribe(SignedOutEverywhere, endings.all_sessions_end)
    events.subscribe(UserSignedUp, mail.signed_up)
    events.subscribe(SignUpOfTakenEmail, mail.sign_up_of_taken_email)
    events.subscribe(PasswordChanged, mail.password_changed)
    events.subscribe(EmailChanged, mail.email_changed)
    events.subscribe(SignInMethodsChanged, mail.sign_in_methods_changed)


def audit_trail(settings: Settings) -> AuditTrail | None:
    return AuditTrail() if settings.audit.enabled else None


@asynccontextmanager
async def operator_session(settings: Settings) -> AsyncIterator[tuple[Events, AsyncSession]]:
    """A committed database session and the API's subscribers, for an operator's change made
    outside the API (the CLI): the revocations it causes reach every API process."""
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    revocations = revocation_list(settings, sessionmaker)
    events = Events()
    mail = AccountMail(Mailer.from_settings(settings), AbuseLimits(settings), settings.web.origin)
    subscribe(events, revocations, mail, audit_trail(settings))
    try:
        async with session_scope(sessionmaker) as db:
            yield events, db
    finally:
        await revocations.store.close()
        await engine.dispose()


class ApiApp(FastAPI):
    """The API's application: `edge`, when set, wraps the whole middleware stack (the health
    probe answers there, for a fraction of a route's cost)."""

    edge: Callable[[ASGIApp], ASGIApp] | None = None

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return stack if self.edge is None else self.edge(stack)


def create_app(settings: Settings | None = None) -> ApiApp:
    settings = settings or get_settings()
    configure_logging(settings)
    metrics_on = settings.observability.metrics_address is not None
    tracing: Tracing | None = None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = AppContext.build(settings)
        if metrics_on:
            watch_pool(context.engine)
        if tracing is not None:
            tracing.trace_database(context.engine)
        mail = AccountMail(context.mailer, context.auth.limits, settings.web.origin)
        subscribe(context.events, context.auth.revocations, mail, audit_trail(settings))
        app.state.context = context
        app.state.auth = context.auth
        app.state.accounts = AccountService(context.auth, mail, context.sessionmaker)
        app.state.sessionmaker = context.sessionmaker
        app.state.media = Media.from_settings(settings)
        app.state.second_factor = SecondFactorService(
            context.auth, context.encryption, settings.second_factor.totp_issuer
        )
        try:
            await context.start()
            yield
        finally:
            await context.close()
            if tracing is not None:
                tracing.close()
            if metrics_on:
                metrics_listener.worker_exited()

    app = ApiApp(
        title=API_TITLE,
        version="1.0.0",
        description=(
            "Movies, users' lists and sign-in. Clients sign in with HTTP Basic and their API key"
            " and get a short-lived access token (an RFC 9068 JWT) that carries the scopes the"
            " key grants and the user's role allows."
        ),
        lifespan=lifespan,
        telemetry=NATIVE_TELEMETRY_OFF,
        dependencies=[Depends(guard_request)],
        # Starlette's slash redirect builds its Location from the Host header.
        redirect_slashes=False,
        # Served by install_docs, from a package rather than a CDN.
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.query_rules = QueryRules()
    install_error_handlers(app)
    # Innermost: the catalogue's plain list requests skip routing (cinepass.movies.fast_lane).
    app.add_middleware(MovieListLane, route=movies_router.list_route())
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.requests.body_max_bytes,
        max_json_depth=settings.requests.json_max_depth,
        larger={("POST", IMPORT_PATH): settings.requests.import_body_max_bytes},
    )
    app.add_middleware(SecurityHeaders)
    if metrics_on:
        # Inside the request context only: refusals by the limits above count too.
        app.add_middleware(RequestMetrics)
    # Inside the proxy-header middleware, so the address it records is the forwarded one. The
    # API's callers are the render server and the CLI: a well-formed id they send is kept, so
    # one id follows a click through both servers' logs.
    app.add_middleware(RequestContext, trust_incoming_id=True)
    if settings.requests.trusted_proxies:
        # Only a listed proxy's X-Forwarded-For is believed: it sets the client address
        # that per-address limits count.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.requests.trusted_proxies)
    for router in PUBLIC_ROUTERS:
        app.include_router(router, responses=EVERY_ROUTE)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, dependencies=[scoped()], responses=EVERY_ROUTE)
    tracing = Tracing.install(app, settings, "cinepass-api")
    if tracing is None:
        # A traced server keeps /health on its route: the instrumentation wraps the stack
        # FastAPI builds, and traces what passes through it.
        app.edge = partial(
            health.HealthProbe,
            headers=security_headers(),
            trust_incoming_id=True,
            recorder=RequestRecorder() if metrics_on else None,
        )
    return app
