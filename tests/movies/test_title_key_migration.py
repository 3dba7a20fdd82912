"""Upgrading a catalogue made before title search keys: every existing film stays findable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.db import migrate
from cinepass.movies import service as movies_service
from tests.conftest import make_settings
from tests.support import Database, backoffice, postgres_database


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        with postgres_database() as url:
            yield url


def test_films_added_before_the_upgrade_are_found_without_accents(empty_url: str) -> None:
    settings = make_settings(empty_url)
    migrate.upgrade(settings, "0003")
    db = Database(empty_url)
    db.query(
        "INSERT INTO movies (id, title, year, cover, description, duration, content_rating,"
        " source, created_at, updated_at) VALUES ('m1', 'El Niño Ñandú', 1950, 'http://x/c',"
        " 'd', 90, 'G', 'http://x/s', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    migrate.upgrade(settings)

    async def search(_: object, session: AsyncSession) -> list[str]:
        page = await movies_service.list_movies(session, q="NINO ÑANDU")
        return [movie["title"] for movie in page.movies]

    assert backoffice(settings, search) == ["El Niño Ñandú"]
