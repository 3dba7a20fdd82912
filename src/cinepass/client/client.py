"""CinepassClient: one pooled httpx.AsyncClient and a typed method per API route."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from cinepass import problems
from cinepass.accounts.answers import EmailVerified
from cinepass.auth.answers import AccountOut, SecondFactorRequired, SignedIn
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate
from cinepass.request_context import current_request_id
from cinepass.schemas import Envelope, Page
from cinepass.user_movies.schemas import UserMovieOut

M = TypeVar("M", bound=BaseModel)
_USER_AGENT_MAX = 512


class ApiError(Exception):
    """The API answered with an error body, or could not be reached."""

    def __init__(
        self,
        status_code: int,
        message: str,
        body: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ):
        self.status_code = status_code
        self.message = message
        self.body = body or {}
        self.retry_after = retry_after
        super().__init__(f"{status_code}: {message}")

    @property
    def code(self) -> str | None:
        """The body's `error` where it names this refusal (a step-up) rather than the status."""
        error = self.body.get("error")
        if not isinstance(error, str) or error in {s.phrase for s in HTTPStatus}:
            return None
        return error


class ApiUnreachable(ApiError):
    """No answer at all: refused connection, unknown host, timeout. Reported as a 503."""

    def __init__(self, message: str):
        super().__init__(503, message)


class SecondFactorNeeded(ApiError):
    """A sign-in (202) whose first factor was right, of an account with a second factor: no
    tokens until `complete_sign_in` gives its code with `mfa_token`."""

    def __init__(self, mfa_token: str, expires_in: int):
        super().__init__(202, "this account has a second factor: give its code")
        self.mfa_token = mfa_token
        self.expires_in = expires_in


@dataclass(frozen=True)
class SignedInTokens:
    """What sign-in and refresh give back: the tokens and who they are for.

    `refresh_token` is empty when the API key lacks offline_access: the session then lasts as
    long as the access token.
    """

    token: str
    user_id: str
    name: str
    email: str
    refresh_token: str = ""
    expires_in: int = 0


@dataclass(frozen=True)
class PasskeyCeremony:
    """A WebAuthn ceremony the API started: its single-use token and the options (JSON) for
    the browser's navigator.credentials call."""

    ceremony_token: str
    options: dict[str, Any]


@dataclass(frozen=True)
class VerifiedEmail:
    """What opening a verification link gives back: the account, and tokens when the API key
    may sign in (signin:auth); otherwise `signed_in` is None."""

    user: AccountOut
    signed_in: SignedInTokens | None


@dataclass(frozen=True)
class Forwarded:
    """A raw API answer, passed on as it is by the render server's proxy."""

    status_code: int
    content: bytes
    content_type: str


class CinepassClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 100,
        event_hooks: Mapping[str, list[Callable[[Any], Any]]] | None = None,
    ):
        hooks = {key: list(value) for key, value in (event_hooks or {}).items()}
        hooks["request"] = [_send_request_id, *hooks.get("request", [])]
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections),
            headers={"User-Agent": "cinepass-client"},
            event_hooks=hooks,
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The pooled httpx client underneath (for tracing's instrumentation)."""
        return self._http

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            detail = str(exc) or type(exc).__name__
            raise ApiUnreachable(
                f"cannot reach the API at {self._http.base_url}: {detail}"
            ) from exc
        if response.is_error:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if not isinstance(body, dict):
                body = {}
            message = body.get("message")
            if not isinstance(message, str) or not message:
                message = response.reason_phrase
            retry_after = response.headers.get("retry-after", "")
            raise ApiError(
                response.status_code,
                message,
                body,
                int(retry_after) if retry_after.isdigit() else None,
            )
        return response

    async def sign_in(
        self,
        email: str,
        password: str,
        api_key: str,
        *,
        remember_me: bool = False,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> SignedInTokens:
        """`user_agent`: the browser's, which the API keeps as the session's device ("" when
        the browser sent none; None sends this client's own)."""
        response = await self._call(
            "POST",
            "/api/auth/sign-in",
            auth=httpx.BasicAuth(email, password),
            json={"apiKeyToken": api_key, "rememberMe": remember_me},
            headers=_on_behalf_of(client_address, user_agent),
        )
        return _tokens(response)

    async def complete_sign_in(
        self,
        mfa_token: str,
        code: str,
        api_key: str,
        *,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> SignedInTokens:
        """Finish a sign-in that answered SecondFactorNeeded with a TOTP or recovery code."""
        response = await self._call(
            "POST",
            "/api/auth/sign-in/mfa",
            json={"mfaToken": mfa_token, "code": code, "apiKeyToken": api_key},
            headers=_on_behalf_of(client_address, user_agent),
        )
        return _tokens(response)

    async def refresh(
        self, refresh_token: str, api_key: str, *, client_address: str | None = None
    ) -> SignedInTokens:
        response = await self._call(
            "POST",
            "/api/auth/refresh",
            json={"refreshToken": refresh_token, "apiKeyToken": api_key},
            headers=_on_behalf_of(client_address),
        )
        return _tokens(response)

    async def sign_in_with_provider(
        self,
        id_token: str,
        api_key: str,
        *,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> SignedInTokens:
        response = await self._call(
            "POST",
            "/api/auth/sign-provider",
            json={"idToken": id_token, "apiKeyToken": api_key},
            headers=_on_behalf_of(client_address, user_agent),
        )
        return _tokens(response)

    async def verify_email(
        self,
        token: str,
        api_key: str,
        *,
        remember_me: bool = False,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> VerifiedEmail:
        """Use a mailed verification (or change-of-email) token."""
        response = await self._call(
            "POST",
            "/api/auth/verify-email",
            json={"token": token, "apiKeyToken": api_key, "rememberMe": remember_me},
            headers=_on_behalf_of(client_address, user_agent),
        )
        verified = _parse(EmailVerified, response)
        user = verified.user
        if verified.token is None:
            return VerifiedEmail(user, None)
        tokens = SignedInTokens(
            token=verified.token,
            user_id=user.id,
            name=user.name,
            email=user.email,
            refresh_token=verified.refresh_token or "",
            expires_in=verified.expires_in or 0,
        )
        return VerifiedEmail(user, tokens)

    async def resend_verification(
        self, email: str, api_key: str, *, client_address: str | None = None
    ) -> None:
        """Mail the address's account a new verification link, if it has one to verify."""
        await self._mail_a_link("/api/auth/verify-email/resend", email, api_key, client_address)

    async def request_password_reset(
        self, email: str, api_key: str, *, client_address: str | None = None
    ) -> None:
        """Mail a reset link to the address's account, if there is one (the answer never says)."""
        await self._mail_a_link("/api/auth/password-reset", email, api_key, client_address)

    async def _mail_a_link(
        self, path: str, email: str, api_key: str, client_address: str | None
    ) -> None:
        await self._call(
            "POST",
            path,
            json={"email": email, "apiKeyToken": api_key},
            headers=_on_behalf_of(client_address),
        )

    async def confirm_password_reset(
        self,
        token: str,
        password: str,
        api_key: str,
        *,
        remember_me: bool = False,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> SignedInTokens:
        """Set a new password with a mailed reset token: every other session ends."""
        response = await self._call(
            "POST",
            "/api/auth/password-reset/confirm",
            json={
                "token": token,
                "password": password,
                "apiKeyToken": api_key,
                "rememberMe": remember_me,
            },
            headers=_on_behalf_of(client_address, user_agent),
        )
        return _tokens(response)

    async def passkey_options(
        self, api_key: str, *, client_address: str | None = None
    ) -> PasskeyCeremony:
        """Start a passkey sign-in: the options for navigator.credentials.get()."""
        response = await self._call(
            "POST",
            "/api/auth/passkey/options",
            json={"apiKeyToken": api_key},
            headers=_on_behalf_of(client_address),
        )
        return _ceremony(response)

    async def sign_in_with_passkey(
        self,
        ceremony_token: str,
        credential: dict[str, Any],
        api_key: str,
        *,
        remember_me: bool = False,
        client_address: str | None = None,
        user_agent: str | None = None,
    ) -> SignedInTokens:
        """Finish a passkey sign-in with the browser's AuthenticationResponseJSON."""
        response = await self._call(
            "POST",
            "/api/auth/sign-in/passkey",
            json={
                "ceremonyToken": ceremony_token,
                "credential": credential,
                "apiKeyToken": api_key,
                "rememberMe": remember_me,
            },
            headers=_on_behalf_of(client_address, user_agent),
        )
        return _tokens(response)

    async def passkey_registration(self, token: str) -> PasskeyCeremony:
        """Start adding a passkey to the signed-in user (a step-up route)."""
        response = await self._call("POST", "/api/auth/passkeys/registration", token=token, json={})
        return _ceremony(response)

    async def sign_out(self, token: str, *, client_address: str | None = None) -> None:
        await self._call(
            "POST", "/api/auth/sign-out", token=token, headers=_on_behalf_of(client_address)
        )

    async def forward(
        self,
        method: str,
        path: str,
        *,
        token: str,
        params: list[tuple[str, str]] | None = None,
        json_body: bytes | None = None,
        content_type: str = "application/json",
        client_address: str | None = None,
    ) -> Forwarded:
        """Send one request as it is and hand back the answer as it is, errors included.

        `json_body` is sent as `content_type`: JSON but for the few routes taking a file (CSV).
        """
        headers = {"Authorization": f"Bearer {token}", **_on_behalf_of(client_address)}
        if json_body is not None:
            headers["Content-Type"] = content_type
        try:
            query: list[tuple[str, str | int | float | bool | None]] = list(params or [])
            response = await self._http.request(
                method,
                path,
                params=query,
                content=json_body,
                headers=headers,
            )
        except httpx.TransportError as exc:
            raise ApiUnreachable(f"cannot reach the API: {type(exc).__name__}") from exc
        return Forwarded(
            response.status_code,
            response.content,
            response.headers.get("content-type", "application/json"),
        )

    async def open_stream(
        self, path: str, *, params: list[tuple[str, str]], headers: dict[str, str]
    ) -> httpx.Response:
        """GET `path` and hand back the answer with its body unread, to be passed on as it
        arrives (a film's media). The caller closes it (`await response.aclose()`)."""
        request = self._http.build_request("GET", path, params=tuple(params), headers=headers)
        try:
            return await self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            raise ApiUnreachable(f"cannot reach the API: {type(exc).__name__}") from exc

    async def sign_up(
        self,
        name: str,
        email: str,
        password: str,
        api_key: str,
        *,
        client_address: str | None = None,
    ) -> str:
        response = await self._call(
            "POST",
            "/api/auth/sign-up",
            json={"name": name, "email": email, "password": password, "apiKeyToken": api_key},
            headers=_on_behalf_of(client_address),
        )
        return _parse(Envelope[str], response).data

    async def list_movies(
        self,
        token: str,
        *,
        tags: Sequence[str] = (),
        q: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[list[MovieOut]]:
        params: dict[str, Any] = {"limit": limit}
        if tags:
            params["tags"] = list(tags)
        if q:
            params["q"] = q
        if cursor:
            params["cursor"] = cursor
        response = await self._call("GET", "/api/movies", token=token, params=params)
        return _parse(Page[list[MovieOut]], response)

    async def get_movie(self, token: str, movie_id: str) -> MovieOut:
        response = await self._call("GET", f"/api/movies/{_segment(movie_id)}", token=token)
        return _parse(Envelope[MovieOut], response).data

    async def create_movie(self, token: str, movie: MovieCreate) -> str:
        response = await self._call(
            "POST", "/api/movies", token=token, json=movie.model_dump(mode="json", by_alias=True)
        )
        return _parse(Envelope[str], response).data

    async def update_movie(self, token: str, movie_id: str, changes: MovieUpdate) -> str:
        response = await self._call(
            "PUT",
            f"/api/movies/{_segment(movie_id)}",
            token=token,
            json=changes.model_dump(mode="json", by_alias=True, exclude_unset=True),
        )
        return _parse(Envelope[str], response).data

    async def delete_movie(self, token: str, movie_id: str) -> str:
        response = await self._call("DELETE", f"/api/movies/{_segment(movie_id)}", token=token)
        return _parse(Envelope[str], response).data

    async def list_user_movies(self, token: str) -> list[UserMovieOut]:
        response = await self._call("GET", "/api/user-movies", token=token)
        return _parse(Envelope[list[UserMovieOut]], response).data

    async def add_user_movie(self, token: str, movie_id: str) -> str:
        response = await self._call(
            "POST", "/api/user-movies", token=token, json={"movieId": movie_id}
        )
        return _parse(Envelope[str], response).data

    async def delete_user_movie(self, token: str, user_movie_id: str) -> str:
        response = await self._call(
            "DELETE", f"/api/user-movies/{_segment(user_movie_id)}", token=token
        )
        return _parse(Envelope[str], response).data


async def _send_request_id(request: httpx.Request) -> None:
    """The id of the request being served (the render server's) goes with each call it makes,
    so that both servers log one id for one click."""
    request_id = current_request_id()
    if request_id is not None and "x-request-id" not in request.headers:
        request.headers["X-Request-ID"] = request_id


def _parse(model: type[M], response: httpx.Response) -> M:
    """A success body as `model`; anything else (an HTML page, another API) is an ApiError."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else None
        problem = problems.describe(first, problems.dotted(first["loc"])) if first else "no body"
        raise ApiError(
            502, f"unexpected answer from {response.request.url.copy_with(query=None)}: {problem}"
        ) from None


def _on_behalf_of(client_address: str | None, user_agent: str | None = None) -> dict[str, str]:
    """The headers that name the person's own client to the API: its address and browser."""
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    if user_agent is not None:
        # Starlette reads header bytes as latin-1, httpx writes ASCII: keep what survives both.
        # An empty one stands for a browser that sent none (not this client's own).
        headers["User-Agent"] = user_agent.encode("ascii", "replace").decode()[:_USER_AGENT_MAX]
    return headers


def _tokens(response: httpx.Response) -> SignedInTokens:
    """A sign-in's tokens; SecondFactorNeeded when it answered 202 instead."""
    if response.status_code == HTTPStatus.ACCEPTED:
        pending = _parse(SecondFactorRequired, response)
        raise SecondFactorNeeded(pending.mfa_token, pending.expires_in)
    signed = _parse(SignedIn, response)
    return SignedInTokens(
        token=signed.token,
        user_id=signed.user.id,
        name=signed.user.name,
        email=signed.user.email,
        refresh_token=signed.refresh_token or "",
        expires_in=signed.expires_in,
    )


class _Ceremony(BaseModel):
    ceremonyToken: str  # noqa: N815 (the API's JSON name)
    options: dict[str, Any]


def _ceremony(response: httpx.Response) -> PasskeyCeremony:
    try:
        body = response.json()
        # An Envelope's `data`, or the ceremony itself.
        data = body.get("data", body) if isinstance(body, dict) else body
        ceremony = _Ceremony.model_validate(data)
    except (ValueError, ValidationError):
        raise ApiError(502, f"unexpected answer from {response.request.url.path}") from None
    return PasskeyCeremony(ceremony.ceremonyToken, ceremony.options)


def _segment(value: str) -> str:
    """An id as one path segment: no slash or dot trick can reach another route."""
    from urllib.parse import quote

    if value in {"", ".", ".."}:
        raise ApiError(400, "invalid id")
    return quote(value, safe="")
