"""Domain errors and the one place that turns any error into `{"statusCode","error","message"}`.

    ApplicationError
    ├── BadRequest              400
    ├── Unauthenticated         401  (WWW-Authenticate: Bearer)
    │   └── InvalidToken        401  (error="invalid_token")
    ├── Forbidden               403
    │   ├── InsufficientScope   403  (error="insufficient_scope")
    │   └── StepUpRequired      403  (error="insufficient_user_authentication", RFC 9470)
    ├── NotFound                404
    ├── Conflict                409
    ├── UnsupportedMediaType    415
    ├── TooManyRequests         429  (Retry-After)
    └── ServiceUnavailable      503  (Retry-After)

Services raise these; routes never build error responses themselves. Inside a request, every
body also carries `requestId`, the id both servers log the request under. An answer read from
another server (the API, as the render server and the admin CLI see it) becomes one of these by
`error_for_status`, the one table from status to error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import Scope

from cinepass import problems
from cinepass.request_context import current_request_id

log = structlog.get_logger(__name__)


class ApplicationError(Exception):
    status_code: int = HTTPStatus.INTERNAL_SERVER_ERROR
    default_message: str = "internal error"
    # The body's `error`: the status's phrase, unless a client must tell this refusal apart
    # from others of its status (and act on it: a step-up prompt).
    code: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
        code: str | None = None,
    ):
        self.message = message or self.default_message
        self.headers = headers or {}
        self.details = details
        self.code = code or self.code
        super().__init__(self.message)


class BadRequest(ApplicationError):
    status_code = HTTPStatus.BAD_REQUEST
    default_message = "bad request"


class Unauthenticated(ApplicationError):
    status_code = HTTPStatus.UNAUTHORIZED
    default_message = "authentication required"

    def __init__(self, message: str | None = None, *, challenge: str = "Bearer"):
        super().__init__(message, headers={"WWW-Authenticate": challenge} if challenge else None)


class InvalidToken(Unauthenticated):
    default_message = "invalid token"

    def __init__(self, message: str | None = None):
        super().__init__(message, challenge='Bearer error="invalid_token"')


class InvalidCredentials(Unauthenticated):
    """Bad email/password or API key at sign-in: one body whatever the reason."""

    default_message = "invalid credentials"

    def __init__(self) -> None:
        super().__init__(None, challenge='Basic realm="cinepass", charset="UTF-8"')


class Forbidden(ApplicationError):
    status_code = HTTPStatus.FORBIDDEN
    default_message = "forbidden"


class InsufficientScope(Forbidden):
    default_message = "insufficient_scope"

    def __init__(self, required: list[str]):
        scope = " ".join(required)
        super().__init__(
            f"insufficient_scope: requires {scope}",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
        )


STEP_UP_SECONDS = 600


class StepUpRequired(Forbidden):
    """The change needs a sign-in younger than STEP_UP_SECONDS (RFC 9470's challenge)."""

    code = "insufficient_user_authentication"
    default_message = (
        "confirm it is you: this change needs a sign-in from the last 10 minutes; sign in again"
    )

    def __init__(self) -> None:
        super().__init__(
            None,
            headers={
                "WWW-Authenticate": f'Bearer error="{self.code}",'
                f' error_description="a more recent sign-in is required", max_age={STEP_UP_SECONDS}'
            },
        )


class NotFound(ApplicationError):
    status_code = HTTPStatus.NOT_FOUND
    default_message = "not found"


class Conflict(ApplicationError):
    status_code = HTTPStatus.CONFLICT
    default_message = "conflict"


class UnsupportedMediaType(ApplicationError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    default_message = "unsupported media type"


class TooManyRequests(ApplicationError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    default_message = "too many requests"

    def __init__(self, message: str | None, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})

    @classmethod
    def after(cls, what: str, retry_after: int) -> TooManyRequests:
        """ "too many sign-ups; try again in 2 minutes": the wait that Retry-After says."""
        return cls(f"{what}; try again in {problems.for_people(retry_after)}", retry_after)


class ServiceUnavailable(ApplicationError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = "service unavailable, try again shortly"

    def __init__(self, message: str | None = None, retry_after: int = 2):
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


def error_body(
    status_code: int, message: str, code: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The envelope; inside a request, with its id (`requestId`) for a user to quote."""
    body = {
        "statusCode": status_code,
        "error": code or HTTPStatus(status_code).phrase,
        "message": message,
        **extra,
    }
    request_id = current_request_id()
    if request_id is not None:
        body["requestId"] = request_id
    return body


def error_response(
    status_code: int,
    message: str,
    headers: dict[str, str] | None = None,
    code: str | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        error_body(status_code, message, code, **extra), status_code=status_code, headers=headers
    )


# What an answer's status stands for; any other status keeps its code on a plain ApplicationError.
_ERRORS_BY_STATUS: dict[int, type[ApplicationError]] = {
    HTTPStatus.BAD_REQUEST: BadRequest,
    HTTPStatus.UNAUTHORIZED: Unauthenticated,
    HTTPStatus.FORBIDDEN: Forbidden,
    HTTPStatus.NOT_FOUND: NotFound,
    HTTPStatus.CONFLICT: Conflict,
    HTTPStatus.TOO_MANY_REQUESTS: TooManyRequests,
    HTTPStatus.BAD_GATEWAY: ServiceUnavailable,
    HTTPStatus.SERVICE_UNAVAILABLE: ServiceUnavailable,
    HTTPStatus.GATEWAY_TIMEOUT: ServiceUnavailable,
}


def error_class(status_code: int) -> type[ApplicationError]:
    """The kind of error an answer with `status_code` is."""
    return _ERRORS_BY_STATUS.get(status_code, ApplicationError)


def error_for_status(
    status_code: int,
    message: str,
    *,
    retry_after: int | None = None,
    details: list[dict[str, Any]] | None = None,
    code: str | None = None,
) -> ApplicationError:
    """Another server's error answer as ours, to pass on: its status, message and wait.

    Without a WWW-Authenticate challenge: the caller decides whether its own client gets one.
    """
    kind = error_class(status_code)
    error: ApplicationError
    if kind is Unauthenticated:
        error = Unauthenticated(message, challenge="")
    elif kind is TooManyRequests:
        error = TooManyRequests(message, retry_after or 60)
    elif kind is ServiceUnavailable:
        error = ServiceUnavailable(message, retry_after or 2)
    else:
        error = kind(message)
        error.status_code = status_code
    error.details = details
    error.code = code
    return error


def error_response_for(exc: ApplicationError) -> JSONResponse:
    """The envelope, status and headers an ApplicationError is answered with."""
    extra = {"details": exc.details} if exc.details is not None else {}
    return error_response(exc.status_code, exc.message, exc.headers, exc.code, **extra)


_WHERE = {"body", "query", "path", "header", "cookie"}


def _field_name(error: Any) -> str | None:
    """The field as the client named it, without where it was sent; None for the whole body
    (and for JSON that does not parse, whose location is a character's position)."""
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return None
    rest = loc[1:] if loc and loc[0] in _WHERE else loc
    return problems.dotted(rest) or None


async def _on_application_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApplicationError)
    return error_response_for(exc)


_MAX_DETAILS = 20


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    # A body of thousands of unknown fields must not earn an answer many times its size.
    details = [
        {
            "field": problems.dotted(err.get("loc", ())),
            "message": problems.describe(err, _field_name(err), whole="the request body"),
        }
        for err in errors[:_MAX_DETAILS]
    ]
    summary = "; ".join(d["message"] for d in details[:5])
    if len(errors) > _MAX_DETAILS:
        summary += f"; {len(errors)} problems in all"
    return error_response(400, summary, details=details)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _answered_methods(router: Any, scope: Scope) -> list[str]:
    # A mount matches whatever the method: only routes say which methods they answer.
    routes = [route for route in router.routes if not isinstance(route, Mount)]
    return [
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path, for a 405's `Allow` (RFC 9110 10.2.1).

    Starlette names only the first route whose path matched, and GET and PUT on one path are
    two routes here: ask every route about every method instead. The outermost app's routes
    come first; a mounted app (the render server's SPA) answers for the paths they leave.
    """
    outermost = request.scope.get("router", request.app.router)
    methods = _answered_methods(outermost, request.scope)
    if not methods and outermost is not request.app.router:
        methods = _answered_methods(request.app.router, request.scope)
    return ", ".join(methods)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, message.lower(), headers)


def _on_dependency_down(what: str) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """A handler for `what` (the database, Redis) being unreachable: 503, never a 500."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        log.warning(f"{what} unavailable", path=request.url.path, error=type(exc).__name__)
        return error_response(503, ServiceUnavailable.default_message, {"Retry-After": "2"})

    return handle


_on_database_down = _on_dependency_down("database")
_on_redis_down = _on_dependency_down("redis")


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", path=request.url.path, exc_info=exc)
    return error_response(500, "internal error")


# SQLSTATEs that say the database is away or full, not that the request was wrong: class 08
# (connection exception), 53300 (too many connections), 57P01-57P03 (admin or crash shutdown,
# "the database system is starting up / shutting down").
_UNAVAILABLE_SQLSTATES = ("08", "53300", "57P01", "57P02", "57P03")


def sqlstate_unavailable(sqlstate: object) -> bool:
    """Whether a PostgreSQL SQLSTATE means "the database is not reachable right now"."""
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def database_unavailable(exc: DBAPIError) -> bool:
    """Whether a driver error means "the database is not reachable right now"."""
    return exc.connection_invalidated or sqlstate_unavailable(getattr(exc.orig, "sqlstate", None))


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    # asyncpg's "cannot connect now" and "terminating connection" arrive as a plain
    # DBAPIError, not an OperationalError: an outage all the same.
    assert isinstance(exc, DBAPIError)
    if database_unavailable(exc):
        return await _on_database_down(request, exc)
    return await _on_unexpected(request, exc)


async def handled_response(request: Request, exc: Exception) -> Response:
    """What the application's exception handler for `exc` answers, for a lane that serves
    requests outside the router (the API's list lane, the render server's proxy). An error only
    the catch-all would handle goes on up, as from a route (logged, then a JSON 500)."""
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        if cls is Exception:
            break
        handler = handlers.get(cls)
        if handler is not None:
            response: Response = await handler(request, exc)
            return response
    raise exc


def install_error_handlers(app: FastAPI) -> None:
    """Map every error, expected or not, to the one JSON envelope; never a stack trace."""
    app.add_exception_handler(ApplicationError, _on_application_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(OperationalError, _on_database_down)
    app.add_exception_handler(InterfaceError, _on_database_down)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(TimeoutError, _on_database_down)
    # Every pooled connection busy for longer than the pool timeout: overloaded, not broken.
    app.add_exception_handler(PoolTimeout, _on_database_down)
    app.add_exception_handler(ConnectionError, _on_database_down)
    # A Redis call not already handled where it is made: an outage, never a 500.
    app.add_exception_handler(RedisError, _on_redis_down)
    app.add_exception_handler(StorageError, _on_redis_down)
    app.add_exception_handler(Exception, _on_unexpected)
