"""The render server's way to the API: the session cookie in, fresh tokens out, refresh inside.

When the access token is about to expire (or the API says 401), the refresh token buys a new
pair and the cookie is re-sealed; the browser never notices. Concurrent requests of one browser
share a single refresh, since a refresh token works only once.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, replace

from fastapi import Request, Response

from cinepass.client import ApiError, CinepassClient, Forwarded, Session
from cinepass.errors import ApplicationError, ServiceUnavailable, Unauthenticated
from cinepass.web.session_cookie import COOKIE_NAME, CookieSealer, WebSession, set_cookie

_EARLY_REFRESH_SECONDS = 5
_SHARED_RESULT_SECONDS = 30.0


class SessionEnded(Unauthenticated):
    default_message = "your session has ended; sign in again"

    def __init__(self) -> None:
        super().__init__(None, challenge="")


@dataclass
class _Flight:
    task: asyncio.Task[Session]
    started: float


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def upstream_failure(error: ApiError) -> ApplicationError:
    """An API failure, as the browser should see it."""
    if error.status_code in (502, 503):
        return ServiceUnavailable("the catalogue service is unavailable; try again shortly")
    failure = ApplicationError(error.message)
    failure.status_code = error.status_code
    return failure


class Gateway:
    def __init__(self, client: CinepassClient, sealer: CookieSealer, public_api_key: str):
        self.client = client
        self.sealer = sealer
        self.api_key = public_api_key
        self._flights: dict[str, _Flight] = {}

    def current(self, request: Request) -> WebSession:
        session = self.sealer.open(request.cookies.get(COOKIE_NAME))
        if session is None:
            raise SessionEnded()
        return session

    async def _refresh(self, session: WebSession, address: str | None) -> WebSession:
        if not session.refresh_token:
            # A key without offline_access: when the access token ends, so does the session.
            raise SessionEnded()
        key = hashlib.sha256(session.refresh_token.encode()).hexdigest()
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
            if error.status_code in (400, 401, 403):
                raise SessionEnded() from None
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
        session: WebSession | None = None,
    ) -> Forwarded:
        """Call the API as the signed-in user, refreshing (and re-sealing) when needed."""
        session = session or self.current(request)
        address = client_address(request)
        refreshed = False
        if session.access_expires_at - time.time() < _EARLY_REFRESH_SECONDS:
            session, refreshed = await self._refresh(session, address), True

        async def send(as_session: WebSession) -> Forwarded:
            return await self.client.forward(
                method,
                path,
                token=as_session.access_token,
                params=params,
                json_body=body,
                client_address=address,
            )

        try:
            answer = await send(session)
            if answer.status_code == 401 and not refreshed:
                session, refreshed = await self._refresh(session, address), True
                answer = await send(session)
        except ApiError as error:
            raise upstream_failure(error) from None
        if answer.status_code == 401:
            raise SessionEnded()
        if refreshed:
            set_cookie(response, self.sealer, session)
        return answer
