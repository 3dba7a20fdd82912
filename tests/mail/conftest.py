"""Mail tests: their own database (no other API's delivery may send their mail), letters to
queue on it, and API servers whose delivery sends them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.mail.letters import Letter, LetterKind
from cinepass.mail.outbox import Mailer
from tests.conftest import make_settings
from tests.support import Database, LiveServer, postgres_database, run

ORIGIN = "http://127.0.0.1:8080"  # the default CINEPASS_WEB_ORIGIN
LINKS: dict[LetterKind, dict[str, str]] = {
    LetterKind.VERIFY_EMAIL: {"link": f"{ORIGIN}/verify-email#token=verify-token"},
    LetterKind.ACCOUNT_EXISTS: {
        "sign_in_link": f"{ORIGIN}/sign-in",
        "reset_link": f"{ORIGIN}/forgot-password",
    },
    LetterKind.PASSWORD_RESET: {"link": f"{ORIGIN}/reset-password#token=reset-token"},
    LetterKind.PASSWORD_CHANGED: {"reset_link": f"{ORIGIN}/forgot-password"},
    LetterKind.CHANGE_EMAIL: {
        "link": f"{ORIGIN}/verify-email#token=change-token",
        "new_email": "nuevo@correo.es",
    },
    LetterKind.EMAIL_CHANGED_NOTICE: {"new_email": "nuevo@correo.es"},
    LetterKind.SIGN_IN_METHODS_CHANGED: {
        "change": "A passkey was added to your cinepass account.",
        "reset_link": f"{ORIGIN}/forgot-password",
        "account_link": f"{ORIGIN}/account",
    },
}


def letter(
    kind: LetterKind = LetterKind.VERIFY_EMAIL,
    to_email: str | None = None,
    name: str = "Ada",
    **values: str,
) -> Letter:
    """A letter of `kind` with working values; to a fresh address unless one is given."""
    return Letter(kind, name, to_email or unique_address(), {**LINKS[kind], **values})


def unique_address(domain: str = "example.com", local: str = "mail") -> str:
    return f"{local}-{uuid.uuid4().hex[:10]}@{domain}"


@pytest.fixture(scope="module")
def mail_database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the session's backend for this module alone, migrated."""
    with contextlib.ExitStack() as stack:
        if database_url.startswith("sqlite"):
            url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('mail')}/mail.db"
        else:
            url = stack.enter_context(postgres_database())
        migrate.upgrade(make_settings(url))
        yield url


def mail_settings(database_url: str, **mail: Any) -> Settings:
    return make_settings(database_url, mail=mail)


def queue(settings: Settings, *letters: Letter) -> None:
    """Queue letters as a service does, in one committed transaction."""

    async def go() -> None:
        engine = create_engine(settings)
        try:
            mailer = Mailer.from_settings(settings)
            async with session_scope(create_sessionmaker(engine)) as db:
                for each in letters:
                    await mailer.send(db, each)
        finally:
            await engine.dispose()

    run(go())


@contextlib.contextmanager
def api_server(settings: Settings) -> Iterator[LiveServer]:
    """An API process: its background delivery sends what is queued."""
    with LiveServer(create_app(settings)) as server:
        yield server


def row(database_url: str, recipient: str) -> dict[str, Any]:
    """The outgoing_mail row of the one mail to `recipient`."""
    columns = "id, kind, subject, sealed_message, attempts, sent_at, failed_at, last_error"
    rows = Database(database_url).query(
        f"SELECT {columns} FROM outgoing_mail WHERE recipient = :r", r=recipient
    )
    assert len(rows) == 1, rows
    return dict(zip(columns.split(", "), rows[0], strict=True))
