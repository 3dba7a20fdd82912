"""Issue 11: CINEPASS_ADMIN_REQUIRES_MFA, and the admin client giving its second factor."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import jwt
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.provisioning import provisioning
from cinepass.users.models import Role
from tests.cli.conftest import Cli, assert_clear_failure
from tests.conftest import make_settings
from tests.mfa.conftest import PASSWORD, AppUser, code_at, enable_totp
from tests.support import Api, LiveServer, bearer, movie_body, run

WRITES = {"create:movies", "update:movies", "delete:movies"}


def scopes_of(token: str) -> set[str]:
    claims = jwt.decode(token, options={"verify_signature": False})
    return set(claims["scope"].split())


async def _admin(settings: Settings, email: str) -> None:
    async with provisioning(settings) as setup:
        await setup.account(
            name="Administradora Ñ", email=email, password=PASSWORD, role=Role.ADMIN
        )


@pytest.fixture
def new_admin(settings: Settings, api: Api) -> AppUser:
    email = f"admin-ñ-{uuid.uuid4().hex[:8]}@correo.es"
    run(_admin(settings, email))
    return AppUser(api, email, PASSWORD)


@dataclass
class PolicyServer:
    http: httpx.Client
    url: str


@pytest.fixture
def strict(settings: Settings) -> Iterator[PolicyServer]:
    """An API of its own on the suite's database, with CINEPASS_ADMIN_REQUIRES_MFA=true."""
    server_settings = make_settings(
        settings.database.url, second_factor={"admin_requires_mfa": True}
    )
    with (
        LiveServer(create_app(server_settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield PolicyServer(http, server.url)


def test_an_admin_with_one_factor_gets_no_admin_scopes_under_the_policy(
    api: Api, new_admin: AppUser, strict: PolicyServer
) -> None:
    r = new_admin.sign_in(strict.http, key=api.admin_key)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert not scopes_of(token) & WRITES
    assert "read:movies" in scopes_of(token)
    created = strict.http.post("/api/movies", json=movie_body(), headers=bearer(token))
    assert created.status_code == 403
    assert "insufficient_scope" in created.json()["message"]
    # Without the policy the same sign-in may write (the suite's own server).
    assert scopes_of(new_admin.sign_in(key=api.admin_key).json()["token"]) >= WRITES


def test_an_admin_who_gives_the_second_factor_gets_them(
    api: Api, new_admin: AppUser, strict: PolicyServer
) -> None:
    enable_totp(api, new_admin)
    pending = new_admin.sign_in(strict.http, key=api.admin_key)
    assert pending.status_code == 202
    r = new_admin.complete(
        pending.json()["mfaToken"],
        code_at(new_admin.secret, +1),
        http=strict.http,
        key=api.admin_key,
    )
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert scopes_of(token) >= WRITES
    created = strict.http.post(
        "/api/movies", json=movie_body(title="Ñandú: el regreso 🎬"), headers=bearer(token)
    )
    assert created.status_code == 201, created.text


def _as(cli: Cli, admin: AppUser, api: Api, url: str | None = None) -> dict[str, str]:
    env = {
        "CINEPASS_ADMIN_EMAIL": admin.email,
        "CINEPASS_ADMIN_PASSWORD": admin.password,
        "CINEPASS_ADMIN_API_KEY": api.admin_key,
    }
    if url is not None:
        env["CINEPASS_API_URL"] = url
    return env


def test_the_admin_client_gives_the_code_from_cinepass_admin_otp(
    cli: Cli, api: Api, new_admin: AppUser
) -> None:
    enable_totp(api, new_admin)
    env = _as(cli, new_admin, api)
    listed = cli.ok(
        "admin", "movies", "list", CINEPASS_ADMIN_OTP=code_at(new_admin.secret, +1), **env
    )
    assert "Traceback" not in listed.output
    # A recovery code works as well, once.
    cli.ok("admin", "movies", "list", CINEPASS_ADMIN_OTP=new_admin.recovery_codes[0], **env)
    reused = cli("admin", "movies", "list", CINEPASS_ADMIN_OTP=new_admin.recovery_codes[0], **env)
    assert_clear_failure(reused, "CINEPASS_ADMIN_OTP")


def test_without_a_code_and_a_terminal_the_admin_client_says_what_to_set(
    cli: Cli, api: Api, new_admin: AppUser
) -> None:
    enable_totp(api, new_admin)
    result = cli("admin", "movies", "list", CINEPASS_ADMIN_OTP=None, **_as(cli, new_admin, api))
    error = assert_clear_failure(result, "CINEPASS_ADMIN_OTP")
    assert "two-step verification" in error


def test_the_admin_client_explains_the_policy_refusal(
    cli: Cli, api: Api, new_admin: AppUser, strict: PolicyServer
) -> None:
    result = cli("admin", "movies", "delete", "0" * 32, **_as(cli, new_admin, api, strict.url))
    assert_clear_failure(result, "CINEPASS_ADMIN_REQUIRES_MFA", "CINEPASS_ADMIN_OTP")
