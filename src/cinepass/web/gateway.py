"""The render server's way to the API: the session cookie in, fresh tokens out, refresh inside.

When the access token is about to expire (or the API says 401), the refresh token buys a new
pair and the cookie is re-sealed; the browser never notices. Concurrent requests of one browser
share a single refresh, since a refresh token works only once. A signed-out session is never
accepted again, even while the API has not yet heard of it (see `end`).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import Depends, Request, Response
from pydantic import BaseModel, ValidationError

from cinepass.addresses import client_address
from cinepass.client import ApiError, CinepassClient, Forwarded, SignedInTokens
from cinepass.errors import (
    ApplicationError,
    BadRequest,
    Forbidden,
    ServiceUnavailable,
    Unauthenticated,
    error_class,
    error_for_status,
)
from cinepass.secrets_digest import secret_digest
from cinepass.web.session_cache import SessionCache
from cinepass.web.session_cookie import COOKIE_NAME, CookieSealer, WebSession, set_cookie
from cinepass.web.spent import SpentRecord, record_key
from cinepass.web.upstream import Upstream

log = structlog.get_logger(__name__)
M = TypeVar("M", bound=BaseModel)

_EARLY_REFRESH_SECONDS = 5
_SHARED_RESULT_SECONDS = 30.0
_RETRY_MAX_SECONDS = 5.0
_MAX_PENDING = 10_000
UNAVAILABLE_RETRY_SECONDS = 5


class CookieSessionEnded(Unauthenticated):
    """The browser's session cookie is missing, foreign, signed out or no longer refreshable."""

    default_message = "your session has ended; sign in again"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, challenge="")


@dataclass
class _Flight:
    task: asyncio.Task[SignedInTokens]
    started: float


@dataclass
class _Pending:
    """A signed-out session the API has not been told of yet."""

    session: WebSession
    address: str | None
    deadline: float


def upstream_failure(error: ApiError) -> ApplicationError:
    """An API failure, as the browser should see it."""
    failure = error_for_status(
        error.status_code, error.message, retry_after=error.retry_after, code=error.code
    )
    if isinstance(failure, ServiceUnavailable):
        return ServiceUnavailable(
            "the catalogue service is unavailable; try again shortly",
            retry_after=error.retry_after or UNAVAILABLE_RETRY_SECONDS,
        )
    return failure


def form_details(error: ApiError) -> list[dict[str, Any]] | None:
    """The API's field problems, named as the form's fields (no `body.` prefix)."""
    details = error.body.get("details")
    if not isinstance(details, list):
        return None
    return [
        {"field": str(d.get("field", "")).removeprefix("body."), "message": d.get("message")}
        for d in details
        if isinstance(d, dict)
    ]


def _answer_error(answer: Forwarded) -> ApiError:
    try:
        body = json.loads(answer.content)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    message = body.get("message")
    return ApiError(answer.status_code, message if isinstance(message, str) else "", body)


def _tokens_refused(error: ApiError) -> bool:
    """Whether the API refused the tokens themselves (the session is over), not just failed."""
    return issubclass(error_class(error.status_code), (BadRequest, Unauthenticated, Forbidden))


class Gateway:
    def __init__(
        self,
        client: CinepassClient,
        sealer: CookieSealer,
        public_api_key: str,
        *,
        spent: SpentRecord,
        session_seconds: int,
        remembered_session_seconds: int,
        sessions: SessionCache | None = None,
        upstream: Upstream | None = None,
    ):
        self.client = client
        # The proxy's calls: straight on the pool when given, else through the typed client.
        self._forward = upstream.forward if upstream is not None else client.forward
        self.sealer = sealer
        self.sessions = SessionCache(sealer, max_sessions=0) if sessions is None else sessions
        self.api_key = public_api_key
        self.spent = spent
        # The longest a session can live at the API (its absolute expiry, from sign-in): an
        # ended session is remembered that long, after which the API refuses it anyway.
        self._lifetimes = (session_seconds, remembered_session_seconds)
        self._flights: dict[str, _Flight] = {}
        self._pending: dict[str, _Pending] = {}
        self._retrier: asyncio.Task[None] | None = None

    async def aclose(self) -> None:
        if self._retrier is not None:
            self._retrier.cancel()
        await self.spent.aclose()

    async def admit(self, session: WebSession) -> WebSession:
        """The session, unless it was signed out (here or at another replica sharing Redis)."""
        if await self.spent.is_spent(record_key("session", session.sid)):
            raise CookieSessionEnded()
        return session

    async def current(self, request: Request) -> WebSession:
        session = self.sessions.open(request.cookies.get(COOKIE_NAME))
        if session is None:
            raise CookieSessionEnded()
        return await self.admit(session)

    async def spend(self, session: WebSession) -> float:
        """Never accept this browser session again; its remaining lifetime at the most."""
        lifetime = self._lifetimes[1] if session.remember_me else self._lifetimes[0]
        self.sessions.forget(session.sid)
        await self.spent.spend(record_key("session", session.sid), lifetime)
        return lifetime

    async def end(self, session: WebSession, address: str | None) -> bool:
        """Sign out: never accept this session again, and end it at the API.

        False when the API could not be told now; it is told in the background, until it
        hears or the session would have expired anyway.
        """
        lifetime = await self.spend(session)
        left = await self._revoke(session, address)
        if left is None:
            return True
        if len(self._pending) >= _MAX_PENDING:
            self._pending.pop(next(iter(self._pending)))
        self._pending[session.sid] = _Pending(left, address, time.time() + lifetime)
        if self._retrier is None or self._retrier.done():
            self._retrier = asyncio.create_task(self._retry_pending())
        return False

    async def _revoke(self, session: WebSession, address: str | None) -> WebSession | None:
        """None once the API holds the session ended; else the session to try again with."""
        try:
            await self.client.sign_out(session.access_token, client_address=address)
            return None
        except ApiError as error:
            if error_class(error.status_code) is not Unauthenticated:
                return session
        try:
            # The access token may have expired: a refresh proves the session, then end it.
            fresh = await self.client.refresh(
                session.refresh_token, self.api_key, client_address=address
            )
        except ApiError as error:
            return None if _tokens_refused(error) else session
        session = replace(session, access_token=fresh.token, refresh_token=fresh.refresh_token)
        try:
            await self.client.sign_out(session.access_token, client_address=address)
        except ApiError:
            return session
        return None

    async def _retry_pending(self) -> None:
        delay = 0.5
        while self._pending:
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_SECONDS)
            for sid, pending in list(self._pending.items()):
                if time.time() > pending.deadline:
                    self._pending.pop(sid, None)
                    continue
                try:
                    left = await self._revoke(pending.session, pending.address)
                except Exception as exc:  # keep retrying whatever one attempt met
                    log.warning("sign_out_retry_failed", error=type(exc).__name__)
                    continue
                if left is None:
                    self._pending.pop(sid, None)
                    log.info("sign_out_reached_the_api")
                else:
                    pending.session = left

    async def _refresh(self, session: WebSession, address: str | None) -> WebSession:
        if not session.refresh_token:
            # A key without offline_access: when the access token ends, so does the session.
            raise CookieSessionEnded()
        key = secret_digest(session.refresh_token)
        now = time.monotonic()
        self._flights = {
            k: f for k, f in self._flights.items() if now - f.started < _SHARED_RESULT_SECONDS
        }
        flight = self._flights.get(key)
        if flight is None:
            task = asyncio.create_task(
                self.client.refresh(session.refresh_token, self.api_key, client_address=address)
            )
            flight = self._flights[key] = _Flight(task, now)
        try:
            fresh = await asyncio.shield(flight.task)
        except ApiError as error:
            if _tokens_refused(error):
                raise CookieSessionEnded() from None
            raise upstream_failure(error) from None
        return replace(
            session,
            access_token=fresh.token,
            refresh_token=fresh.refresh_token,
            access_expires_at=int(time.time()) + fresh.expires_in,
        )

    async def call(
        self,
        request: Request,
        response: Response,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        session: WebSession | None = None,
    ) -> Forwarded:
        """Call the API as the signed-in user, refreshing (and re-sealing) when needed."""
        session = await self.admit(session) if session else await self.current(request)
        address = client_address(request)
        refreshed = False
        if session.access_expires_at - time.time() < _EARLY_REFRESH_SECONDS:
            session, refreshed = await self._refresh(session, address), True

        async def send(as_session: WebSession) -> Forwarded:
            return await self._forward(
                method,
                path,
                token=as_session.access_token,
                params=params,
                json_body=body,
                content_type=content_type,
                client_address=address,
            )

        try:
            answer = await send(session)
            if error_class(answer.status_code) is Unauthenticated and not refreshed:
                session, refreshed = await self._refresh(session, address), True
                answer = await send(session)
        except ApiError as error:
            raise upstream_failure(error) from None
        if error_class(answer.status_code) is Unauthenticated:
            raise CookieSessionEnded()
        if refreshed:
            self.sessions.forget(session.sid)
            set_cookie(response, self.sealer, session)
        return answer

    async def send(
        self, request: Request, response: Response, method: str, path: str, *, body: Any = None
    ) -> Forwarded:
        """`call` with `body` sent as JSON; an error answer raises as the browser should see
        it, the API's field problems included."""
        content = None if body is None else json.dumps(body).encode()
        answer = await self.call(request, response, method, path, body=content)
        if answer.status_code >= 400:
            error = _answer_error(answer)
            failure = upstream_failure(error)
            failure.details = form_details(error)
            raise failure
        return answer

    async def fetch(self, request: Request, response: Response, path: str, model: type[M]) -> M:
        """GET `path` as the signed-in user, its answer read as `model`."""
        answer = await self.send(request, response, "GET", path)
        try:
            return model.model_validate_json(answer.content)
        except ValidationError:
            raise upstream_failure(ApiError(502, f"unexpected answer from {path}")) from None


async def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(_gateway)]
