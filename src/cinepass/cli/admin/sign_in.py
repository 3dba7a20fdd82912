"""The admin client's sign-in (the CINEPASS_ADMIN_* settings) and what an API refusal means."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import typer

from cinepass import problems
from cinepass.cli.runtime import fail, load_settings
from cinepass.client import ApiError, ApiUnreachable, CinepassClient, SecondFactorNeeded
from cinepass.errors import (
    ApplicationError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    error_class,
)
from cinepass.web.csrf import CSRF_REFUSED

T = TypeVar("T")

_HINTS: dict[type[ApplicationError], str] = {
    Forbidden: "sign in as a user created with `cinepass users create --role admin`,"
    " with a key created with `--preset admin`",
    NotFound: "find movie ids with `cinepass admin movies list`",
}


@dataclass
class SignedInAdmin:
    """A signed-in admin: the client, the current access token, and how to get a new one."""

    client: CinepassClient
    credentials: tuple[str, str, str]
    # CINEPASS_ADMIN_OTP: the second factor's code, for an account that has one.
    otp: str | None = None
    token: str = ""

    async def sign_in(self) -> None:
        email, password, api_key = self.credentials
        try:
            signed = await self.client.sign_in(email, password, api_key)
        except SecondFactorNeeded as pending:
            code = self.otp or _ask_for_code()
            signed = await self.client.complete_sign_in(pending.mfa_token, code, api_key)
        self.token = signed.token


def _ask_for_code() -> str:
    if not sys.stdin.isatty():
        fail(
            "the admin account has two-step verification: its sign-in needs a code",
            "set CINEPASS_ADMIN_OTP to the authenticator app's current code (or a recovery"
            " code), or run the command in a terminal to be asked for it",
        )
    code: str = typer.prompt(
        "Code from the authenticator app (or a recovery code)", hide_input=True
    )
    return code


def token_refused(exc: ApiError) -> bool:
    """Whether the API refused the access token (it may have expired): signing in again helps."""
    return not isinstance(exc, ApiUnreachable) and error_class(exc.status_code) is Unauthenticated


def explain_failure(exc: ApiError, api_url: str | None = None) -> tuple[str, str | None]:
    """What went wrong with a call to the API, and what to do about it."""
    if isinstance(exc, ApiUnreachable):
        return exc.message, "check CINEPASS_API_URL and that the API is running (`cinepass api`)"
    if exc.code == CSRF_REFUSED:
        where = f" ({api_url})" if api_url else ""
        return (
            f"CINEPASS_API_URL{where} is the render server, the browser's; the admin client"
            " talks to the API",
            "set CINEPASS_API_URL to the API's URL (with `cinepass up` or `make run`:"
            " CINEPASS_API_URL=http://127.0.0.1:8000)",
        )
    message = f"the API answered {exc.status_code}: {exc.message}"
    kind = error_class(exc.status_code)
    if kind is Unauthenticated:
        if "code" in exc.message or "sign-in has expired" in exc.message:
            return message, (
                "check CINEPASS_ADMIN_OTP: an app code works once and for about 30 seconds,"
                " a recovery code once"
            )
        if "api key" in exc.message.lower():
            return message, (
                "check CINEPASS_ADMIN_API_KEY (a revoked key no longer works); create one with"
                " `cinepass api-keys create --name admin-cli --preset admin`"
            )
        return message, "check CINEPASS_ADMIN_EMAIL and CINEPASS_ADMIN_PASSWORD"
    if kind is TooManyRequests:
        return message, f"wait {problems.for_people(exc.retry_after or 60)}, then try again"
    if kind is Forbidden and "insufficient_scope" in exc.message:
        return message, (
            f"{_HINTS[Forbidden]}; where the API sets CINEPASS_ADMIN_REQUIRES_MFA, the admin"
            " account also needs two-step verification (account page) and CINEPASS_ADMIN_OTP"
        )
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
            otp = settings.admin.otp.get_secret_value() if settings.admin.otp else None
            admin = SignedInAdmin(client, credentials, otp)
            await admin.sign_in()
            return await work(admin)

    try:
        return asyncio.run(main())
    except ApiError as exc:
        fail(*explain_failure(exc, settings.api.url))
