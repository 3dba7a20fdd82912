"""How a browser sign-in ends: the session cookie, or the sealed pending cookie of a second factor.

When the API answers a sign-in with 202 (the account has a second factor), its single-use
mfaToken goes into a sealed, httpOnly cookie that lives as long as the challenge (5 minutes at
the most): the SPA only learns that a code is wanted, never the token.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from cinepass.addresses import client_address
from cinepass.auth.answers import SECOND_FACTOR_METHODS
from cinepass.client import SecondFactorNeeded, SignedInTokens
from cinepass.errors import Forbidden
from cinepass.web.gateway import CookieSessionEnded, Gateway
from cinepass.web.session_cookie import CookieSealer, WebSession, set_cookie, user_answer

PENDING_COOKIE = "__Host-cinepass-mfa"
PENDING_MAX_SECONDS = 300
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class PendingSignIn:
    """What the pending cookie carries. `user_id` is set for a re-authentication: the code
    must sign in that same user again."""

    mfa_token: str
    remember_me: bool
    expires_at: int
    user_id: str = ""


def open_pending(sealer: CookieSealer, request: Request) -> PendingSignIn | None:
    """The browser's pending second factor, or None when absent, tampered, foreign or expired."""
    data = sealer.open_data(request.cookies.get(PENDING_COOKIE), PENDING_COOKIE)
    if data is None:
        return None
    try:
        pending = PendingSignIn(**data)
    except TypeError:
        return None
    return pending if pending.expires_at > time.time() else None


def clear_pending(response: Response) -> None:
    response.delete_cookie(PENDING_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


def _lifetime(challenge: SecondFactorNeeded) -> int:
    return max(1, min(challenge.expires_in, PENDING_MAX_SECONDS))


def set_pending(
    response: Response,
    sealer: CookieSealer,
    challenge: SecondFactorNeeded,
    remember_me: bool,
    *,
    user_id: str = "",
) -> int:
    """Seal the challenge's mfaToken into the pending cookie; its lifetime in seconds."""
    expires_in = _lifetime(challenge)
    pending = PendingSignIn(
        challenge.mfa_token, remember_me, int(time.time()) + expires_in, user_id=user_id
    )
    response.set_cookie(
        PENDING_COOKIE,
        sealer.seal_data(asdict(pending), PENDING_COOKIE),
        max_age=expires_in,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return expires_in


def second_factor_answer(
    sealer: CookieSealer,
    challenge: SecondFactorNeeded,
    remember_me: bool,
    *,
    user_id: str = "",
) -> JSONResponse:
    """202 for the SPA (a code is wanted, and which kinds), the mfaToken sealed in a cookie."""
    body = {
        "mfaRequired": True,
        "expiresIn": _lifetime(challenge),
        "methods": list(SECOND_FACTOR_METHODS),
    }
    response = JSONResponse(body, status_code=202, headers=NO_STORE)
    set_pending(response, sealer, challenge, remember_me, user_id=user_id)
    return response


async def held_session(request: Request, gateway: Gateway) -> WebSession | None:
    """The signed-in session the browser's cookie holds, if any."""
    try:
        return await gateway.current(request)
    except CookieSessionEnded:
        return None


def carry_cookies(source: Response, target: Response) -> None:
    """Cookies `source` set (a session re-sealed after a refresh), set on `target` too."""
    target.raw_headers.extend(h for h in source.raw_headers if h[0] == b"set-cookie")


async def finish_sign_in(
    request: Request,
    gateway: Gateway,
    tokens: SignedInTokens,
    remember_me: bool,
    *,
    as_user: str = "",
) -> JSONResponse:
    """Sign this browser in with `tokens`: a new session cookie, the pending one cleared, and
    the session the browser held before ended. With `as_user` (a re-authentication) the
    tokens must be that user's: another account's are ended at once and refused."""
    fresh = WebSession.signed_in(tokens, remember_me=remember_me)
    address = client_address(request)
    if as_user and tokens.user_id != as_user:
        await gateway.end(fresh, address)
        raise Forbidden("that sign-in belongs to another account; confirm it is you with yours")
    held = await held_session(request, gateway)
    response = JSONResponse({"user": user_answer(tokens)}, headers=NO_STORE)
    set_cookie(response, gateway.sealer, fresh)
    if PENDING_COOKIE in request.cookies:
        clear_pending(response)
    if held is not None:
        await gateway.end(held, address)
    return response
