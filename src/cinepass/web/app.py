"""create_web_app() for the render server: the SPA, the auth routes, the proxy, the posters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cinepass.body_limits import BodyLimits
from cinepass.client import CinepassClient
from cinepass.config import Settings, get_settings
from cinepass.errors import error_response, error_response_for, install_error_handlers
from cinepass.headers import SecurityHeaders
from cinepass.log_config import configure_logging
from cinepass.metrics import listener as metrics_listener
from cinepass.metrics.asgi import RequestMetrics
from cinepass.metrics.hops import api_hop_hooks
from cinepass.movies.posters import is_valid_slug, render_poster
from cinepass.request_context import RequestContext
from cinepass.sealing import load_or_create_key
from cinepass.tracing import NATIVE_TELEMETRY_OFF, Tracing
from cinepass.web import (
    account_routes,
    auth_routes,
    media_proxy,
    passkey_routes,
    proxy,
    second_factor_routes,
)
from cinepass.web.csrf import CsrfGuard
from cinepass.web.gateway import CookieSessionEnded, Gateway
from cinepass.web.oidc import routes as oidc_routes
from cinepass.web.oidc.providers import Providers
from cinepass.web.session_cache import MAX_SESSIONS, SessionCache
from cinepass.web.session_cookie import COOKIE_NAME, CookieSealer, clear_cookie
from cinepass.web.spent import spent_record
from cinepass.web.upstream import Upstream

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # Our clips only (/media/, signed): a film elsewhere is a link, not played here.
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _session_keys(settings: Settings) -> list[str]:
    if settings.web.session_keys:
        return [k.get_secret_value() for k in settings.web.session_keys]
    return [load_or_create_key(Path("var/web-session.key"))]


async def _session_ended(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CookieSessionEnded)
    response = error_response_for(exc)
    # Only a cookie the request carried: one set meanwhile (a sign-in racing this request) stays.
    if COOKIE_NAME in request.cookies:
        clear_cookie(response)
    return response


_NOT_BUILT = "the app is not built; run `make run` (or `npm run build` in frontend/)"
# Pages that read a mailed token from their URL's fragment: no request they cause names them.
_LINK_PAGES = frozenset({"verify-email", "reset-password"})


def _spa(static_dir: Path) -> FastAPI:
    """The built SPA: hashed assets cached for good, every other path answered by index.html."""
    spa = FastAPI(
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        telemetry=NATIVE_TELEMETRY_OFF,
    )
    install_error_handlers(spa)
    assets = static_dir / "assets"
    if assets.is_dir():
        spa.mount("/assets", StaticFiles(directory=assets), name="assets")
    # Files at the top of the build (favicon, ...), found once: no path from a URL touches disk.
    top_level = (
        {p.name: p for p in static_dir.iterdir() if p.is_file()} if static_dir.is_dir() else {}
    )
    index = top_level.get("index.html")

    @spa.get("/{path:path}", include_in_schema=False)
    async def page(path: str) -> Response:
        if path.startswith(("api/", "auth/", "media/")):
            return error_response(404, "not found")
        if path in top_level and path != "index.html":
            return FileResponse(top_level[path], headers={"Cache-Control": "public, max-age=3600"})
        if index is None:
            return error_response(503, _NOT_BUILT)
        headers = {"Cache-Control": "no-cache"}
        # As the SPA's router matches them: any case, a trailing slash or not.
        if path.strip("/").lower() in _LINK_PAGES:
            headers["Referrer-Policy"] = "no-referrer"
        return FileResponse(index, headers=headers)

    return spa


def create_web_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    if settings.web.public_api_key is None:
        raise RuntimeError(
            "CINEPASS_PUBLIC_API_KEY is not set: create one with "
            "`cinepass api-keys create --name render-server --preset public`"
        )
    public_key = settings.web.public_api_key.get_secret_value()
    sealer = CookieSealer(_session_keys(settings))
    metrics_on = settings.observability.metrics_address is not None
    caching = settings.cache.enabled
    tracing: Tracing | None = None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upstream = Upstream(
            settings.api.url, timeout=settings.web.api_timeout_seconds, hop_metrics=metrics_on
        )
        client = CinepassClient(
            settings.api.url,
            timeout=settings.web.api_timeout_seconds,
            transport=upstream.transport(),
            event_hooks=api_hop_hooks() if metrics_on else None,
        )
        if tracing is not None:
            tracing.trace_client(client.http)
        app.state.gateway = Gateway(
            client,
            sealer,
            public_key,
            spent=spent_record(settings.redis.url),
            session_seconds=settings.tokens.refresh_ttl_seconds,
            remembered_session_seconds=settings.tokens.remember_me_ttl_seconds,
            sessions=SessionCache(sealer, max_sessions=MAX_SESSIONS if caching else 0),
            # Traced, every call goes through the typed client, whose calls the tracing follows.
            upstream=upstream if tracing is None else None,
        )
        app.state.providers = Providers(
            settings.oidc.providers, settings.web.origin, settings.oidc.timeout_seconds
        )
        try:
            yield
        finally:
            await app.state.gateway.aclose()
            await client.aclose()
            await upstream.aclose()
            await app.state.providers.aclose()
            if tracing is not None:
                tracing.close()
            if metrics_on:
                metrics_listener.worker_exited()

    app = FastAPI(
        title="cinepass render server",
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # Starlette's slash redirect builds its Location from the Host header.
        redirect_slashes=False,
        telemetry=NATIVE_TELEMETRY_OFF,
    )
    install_error_handlers(app)
    app.add_exception_handler(CookieSessionEnded, _session_ended)
    app.add_middleware(proxy.ProxyFront)
    app.add_middleware(CsrfGuard, origin=settings.web.origin)
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.web.body_max_bytes,
        max_json_depth=settings.requests.json_max_depth,
        larger={("POST", proxy.IMPORT_PATH): settings.web.import_body_max_bytes},
    )
    app.add_middleware(
        SecurityHeaders,
        extra={
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "referrer-policy": "same-origin",
            "cross-origin-opener-policy": "same-origin",
        },
    )
    if metrics_on:
        app.add_middleware(RequestMetrics)
    # A browser's X-Request-ID is never kept; a trusted proxy's is (it started the trail).
    app.add_middleware(RequestContext, trust_incoming_id=bool(settings.web.trusted_proxies))
    if settings.web.trusted_proxies:
        # Outermost: the client address every route (and the API, by X-Forwarded-For) sees.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.web.trusted_proxies)
    app.include_router(auth_routes.router)
    app.include_router(account_routes.router)
    app.include_router(second_factor_routes.router)
    app.include_router(passkey_routes.router)
    app.include_router(oidc_routes.router)
    app.include_router(proxy.router)
    app.include_router(media_proxy.router)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/posters/{slug}.svg", include_in_schema=False)
    async def poster(slug: str, title: str | None = None) -> Response:
        if not is_valid_slug(slug):
            return error_response(404, "no such poster")
        return Response(
            render_poster(slug, title[:300] if title else None),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400, immutable"},
        )

    app.mount("/", _spa(settings.web.static_dir))
    tracing = Tracing.install(app, settings, "cinepass-web")
    return app
