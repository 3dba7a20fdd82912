"""The admin client's sign-in (the CINEPASS_ADMIN_* settings) and what an API refusal means."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from cinepass.cli.runtime import fail, load_settings
from cinepass.client import ApiError, ApiUnreachable, CinepassClient, SecondFactorChallenge
from cinepass.errors import (
    ApplicationError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    error_class,
)

T = TypeVar("T")

_HINTS: dict[type[ApplicationError], str] = {
    Forbidden: "sign in as a user created with `cinepass users create --role admin`,"
    " with a key created with `--preset admin`",
    NotFound: "find movie ids with `cinepass admin movies list`",
    TooManyRequests: "wait a few minutes, then try again",
}


@dataclass
class SignedInAdmin:
    """A signed-in admin: the client, the current access token, and how to get a new one."""

    client: CinepassClient
    credentials: tuple[str, str, str]
    token: str = ""

    async def sign_in(self) -> None:
        answer = await self.client.sign_in(*self.credentials)
        if isinstance(answer, SecondFactorChallenge):
            raise ApiError(401, "this account has a second factor: set CINEPASS_ADMIN_OTP")
        self.token = answer.token


def token_refused(exc: ApiError) -> bool:
    """Whether the API refused the access token (it may have expired): signing in again helps."""
    return not isinstance(exc, ApiUnreachable) and error_class(exc.status_code) is Unauthenticated


def explain_failure(exc: ApiError) -> tuple[str, str | None]:
    """What went wrong with a call to the API, and what to do about it."""
    if isinstance(exc, ApiUnreachable):
        return exc.message, "check CINEPASS_API_URL and that the API is running (`cinepass api`)"
    message = f"the API answered {exc.status_code}: {exc.message}"
    kind = error_class(exc.status_code)
    if kind is Unauthenticated:
        if "api key" in exc.message.lower():
            return message, (
                "check CINEPASS_ADMIN_API_KEY (a revoked key no longer works); create one with"
                " `cinepass api-keys create --name admin-cli --preset admin`"
            )
        return message, "check CINEPASS_ADMIN_EMAIL and CINEPASS_ADMIN_PASSWORD"
    return message, _HINTS.get(kind)


def signed_in(work: Callable[[SignedInAdmin], Awaitable[T]]) -> T:
    """Sign in with the CINEPASS_ADMIN_* settings, then run `work`; API errors end the command."""
    settings = load_settings()
    missing = [
        name
        for name, value in (
            ("CINEPASS_ADMIN_API_KEY", settings.admin.api_key),
            ("CINEPASS_ADMIN_EMAIL", settings.admin.email),
            ("CINEPASS_ADMIN_PASSWORD", settings.admin.password),
        )
        if not value
    ]
    if missing:
        fail(
            f"set {', '.join(missing)} to sign in to the API at {settings.api.url}",
            "create a key with `cinepass api-keys create --name admin-cli --preset admin`"
            " and an admin with `cinepass users create --role admin ...`",
        )
    credentials = (
        settings.admin.email or "",
        settings.admin.password.get_secret_value() if settings.admin.password else "",
        settings.admin.api_key.get_secret_value() if settings.admin.api_key else "",
    )

    async def main() -> T:
        async with CinepassClient(settings.api.url) as client:
            admin = SignedInAdmin(client, credentials)
            await admin.sign_in()
            return await work(admin)

    try:
        return asyncio.run(main())
    except ApiError as exc:
        fail(*explain_failure(exc))
