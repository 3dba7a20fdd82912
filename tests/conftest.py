"""Fixtures: the whole suite runs once on SQLite and once on PostgreSQL, over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.provisioning import Account, provisioning
from cinepass.scopes import PRESETS
from cinepass.users.models import Role
from tests.mail_inbox import Inbox, SuiteMailSettings, suite_inbox
from tests.support import Api, Database, LiveServer, postgres_database, run

ADMIN_PASSWORD = "admin-password-for-tests"
# The suite's key-encryption key: every server and CLI run of a session shares the database,
# so they share the key that seals its signing keys.
KEY_ENCRYPTION_KEY = "dGhlIHN1aXRlJ3Mga2V5LWVuY3J5cHRpb24ga2V5ISE"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "cinepass.db"
        yield f"sqlite+aiosqlite:///{path}"
    else:
        with postgres_database() as url:
            yield url


SUITE_SETTINGS: dict[str, Mapping[str, object]] = {
    "tokens": {"issuer": "http://cinepass.test", "revocation_poll_seconds": 0.2},
    "signing_keys": {"refresh_seconds": 0.5, "encryption_keys": [KEY_ENCRYPTION_KEY]},
    # The suite signs up and fails sign-ins by the hundred from one address; the abuse
    # limits get their own servers in tests/auth/test_abuse_limits.py.
    "limits": {
        "signin_failures_per_account": "10000 per minute",
        "signin_failures_per_address": "10000 per minute",
        "signup_per_address": "10000 per minute",
        "refresh_per_address": "10000 per minute",
        "password_reset_per_account": "10000 per minute",
        "account_mail_per_address": "10000 per minute",
        "account_mail_per_account": "10000 per minute",
        "passkey_ceremonies_per_address": "10000 per minute",
    },
    "logging": {"level": "WARNING"},
    # Mail goes to the suite's SMTP server (tests/mail_inbox.py), polled and retried fast.
    "mail": SuiteMailSettings(),
}


def make_settings(database_url: str, **groups: dict[str, object]) -> Settings:
    """The suite's settings on `database_url`, with `groups` set field by field on top
    (`make_settings(url, tokens={"access_ttl_seconds": 2})`)."""
    values = {
        name: {**SUITE_SETTINGS.get(name, {}), **groups.get(name, {})}
        for name in {*SUITE_SETTINGS, *groups}
    }
    values["database"] = {"url": database_url, **values.get("database", {})}
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    settings = make_settings(database_url)
    migrate.upgrade(settings)
    return settings


@dataclass(frozen=True)
class Accounts:
    """What `provision` made: an admin and a render-server (`web`) API key, and an admin user."""

    admin_key: str
    public_key: str
    admin: Account

    def api(self, http: httpx.Client, database_url: str) -> Api:
        return Api(
            http=http,
            db=Database(database_url),
            admin_key=self.admin_key,
            public_key=self.public_key,
            admin_email=self.admin.email,
            admin_password=self.admin.password,
        )


async def provision(settings: Settings) -> Accounts:
    async with provisioning(settings) as setup:
        admin_key = await setup.api_key("admin", PRESETS["admin"])
        # The render server's key (`web`: public + offline_access), shared by most tests;
        # the `public` preset's own behaviour is tested with keys made by `make_key`.
        public_key = await setup.api_key("web", PRESETS["web"])
        admin = await setup.account(
            name="Admin",
            email=f"admin-{uuid.uuid4().hex[:8]}@example.com",
            password=ADMIN_PASSWORD,
            role=Role.ADMIN,
        )
    return Accounts(admin_key, public_key, admin)


@pytest.fixture(scope="session")
def live_api(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings)) as server:
        yield server


@pytest.fixture(scope="session")
def api(live_api: LiveServer, settings: Settings) -> Iterator[Api]:
    accounts: Accounts = run(provision(settings))
    # Idle connections dropped well before uvicorn's 5 s keep-alive ends: one reused just as the
    # server closed it answers "connection reset" (a POST is not retried).
    limits = httpx.Limits(keepalive_expiry=2.0)
    with httpx.Client(base_url=live_api.url, timeout=30, limits=limits) as http:
        yield accounts.api(http, settings.database.url)


@pytest.fixture
def admin_token(api: Api) -> str:
    """A fresh admin token (tests rotate and retire keys and end sessions)."""
    return api.admin_token()


@pytest.fixture
def user(api: Api) -> tuple[str, str]:
    """A fresh signed-in user: (id, access token)."""
    return api.new_user()


async def _create_key(settings: Settings, scopes: list[str]) -> str:
    async with provisioning(settings) as setup:
        return await setup.api_key("test", scopes)


@pytest.fixture(scope="session")
def inbox() -> Inbox:
    """What the suite's mail server received: `inbox.wait_for(email, LetterKind...)`."""
    return suite_inbox()[0]


@pytest.fixture(scope="session")
def make_key(settings: Settings) -> Callable[[list[str]], str]:
    """Create an API key with exactly these scopes; returns its secret."""
    return lambda scopes: run(_create_key(settings, scopes))
