"""The last enabled admin stays one: the users service refuses, whoever asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.errors import Conflict
from cinepass.events import Events
from cinepass.users import service
from cinepass.users.models import Role
from tests.conftest import make_settings
from tests.support import backoffice, postgres_database


@pytest.fixture
def lone_admin_settings(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A database of its own (on the session's backend) whose only admin is about to act."""
    if settings.database.url.startswith("sqlite"):
        fresh = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'lone.db'}")
        migrate.upgrade(fresh)
        yield fresh
        return
    with postgres_database() as url:
        fresh = make_settings(url)
        migrate.upgrade(fresh)
        yield fresh


def test_the_last_enabled_admin_cannot_be_disabled_or_demoted(
    lone_admin_settings: Settings,
) -> None:
    async def make(events: Events, db: object) -> str:
        admin = await service.create(
            db,  # type: ignore[arg-type]
            name="Única",
            email="unica@example.com",
            password_hash=None,
            role=Role.ADMIN,
        )
        await service.create(
            db,  # type: ignore[arg-type]
            name="Disabled admin",
            email="otra@example.com",
            password_hash=None,
            role=Role.ADMIN,
        )
        await service.set_disabled(db, "otra@example.com", True, events=events)  # type: ignore[arg-type]
        return admin.id

    admin_id = backoffice(lone_admin_settings, make)

    for change in ({"disabled": True}, {"role": Role.USER}):

        async def act(events: Events, db: object, change: dict[str, object] = change) -> None:
            await service.change(
                db,  # type: ignore[arg-type]
                admin_id,
                acting_user_id="someone-else",
                events=events,
                **change,  # type: ignore[arg-type]
            )

        with pytest.raises(Conflict, match="last enabled admin"):
            backoffice(lone_admin_settings, act)
