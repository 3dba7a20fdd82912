"""Upgrading a catalogue made before title search keys: every existing film stays findable."""

from __future__ import annotations

import asyncio
import json

from cinepass.db import migrate
from cinepass.db.engine import create_engine
from cinepass.movies.pages import PageQuery, page_reader
from tests.conftest import make_settings
from tests.support import Database


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

    async def search() -> list[str]:
        engine = create_engine(settings)
        reader = page_reader(settings, engine)
        try:
            page = json.loads(await reader.read(PageQuery(q="NINO ÑANDU")))
        finally:
            await reader.close()
            await engine.dispose()
        return [movie["title"] for movie in page["data"]]

    assert asyncio.run(search()) == ["El Niño Ñandú"]
