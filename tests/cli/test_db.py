"""`cinepass db upgrade`: a fresh database, SQLite by default or PostgreSQL, becomes usable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import postgres_database


@pytest.fixture
def fresh_database(database_url: str) -> Iterator[dict[str, str]]:
    """Settings naming an empty database of the backend under test (SQLite: the default URL)."""
    if database_url.startswith("sqlite"):
        yield {}
    else:
        with postgres_database() as url:
            yield {"CINEPASS_DATABASE_URL": url}


def test_upgrade_makes_a_fresh_database_usable(
    bare_cli: Cli, fresh_database: dict[str, str], tmp_path: Path
) -> None:
    before = bare_cli("api-keys", "list", **fresh_database)
    assert_clear_failure(before, "CINEPASS_DATABASE_URL", "cinepass db upgrade")

    bare_cli.ok("db", "upgrade", **fresh_database)

    listed = bare_cli.ok("api-keys", "list", "--json", **fresh_database)
    assert json.loads(listed.stdout) == []
    if not fresh_database:
        assert (tmp_path / "var" / "cinepass.db").is_file()
