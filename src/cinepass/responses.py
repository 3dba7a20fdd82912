"""OpenAPI descriptions of the error answers routes can give, shared by every router."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    statusCode: int  # noqa: N815 - the wire name of the original API
    error: str
    message: str
    details: list[ErrorDetail] | None = None
    # The request's id, as both servers log it and answer it in X-Request-ID.
    requestId: str | None = None  # noqa: N815


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status named, with the one error body."""
    words = {
        400: "Invalid request (see details)",
        401: "Missing, invalid or expired credentials",
        403: "The token lacks a scope this route needs, or the object is not yours",
        404: "Not found",
        409: "Conflict with existing data",
        415: "The body's Content-Type is not one the route takes",
        413: "The request body is over the server's limit (CINEPASS_REQUEST_BODY_MAX_BYTES)",
        431: "The request line and headers are over 32 KiB",
        429: "Too many requests; see Retry-After",
        503: "A dependency is unavailable; try again shortly",
    }
    return {code: {"model": ErrorBody, "description": words[code]} for code in codes}


AUTHENTICATED = errors(400, 401, 403, 503)
# Routes that change how the account signs in: a 403 may also ask for a fresh sign-in.
STEP_UP: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorBody,
        "description": "The token lacks a scope; or, with error"
        ' "insufficient_user_authentication", its sign-in is older than 10 minutes: sign in'
        " again (step-up) and retry",
    }
}
# What any route can answer, before it runs: BodyLimits and the HTTP protocol see every request.
EVERY_ROUTE = errors(413, 431)
