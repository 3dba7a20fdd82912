"""`cinepass seed`: demo movies until the catalogue holds the number asked for."""

from __future__ import annotations

from cinepass.movies import demo
from tests.cli.conftest import Cli
from tests.support import Api


def test_seed_reaches_the_requested_count_and_a_second_run_adds_nothing(cli: Cli, api: Api) -> None:
    before = api.db.scalar("SELECT count(*) FROM movies")
    titles_before = {t for (t,) in api.db.query("SELECT title FROM movies")}
    wanted = before + 3

    first = cli.ok("seed", "--movies", str(wanted))
    assert "added 3 movies" in first.stdout
    assert api.db.scalar("SELECT count(*) FROM movies") == wanted
    added = {t for (t,) in api.db.query("SELECT title FROM movies")} - titles_before
    assert len(added) == 3
    assert added <= {film["title"] for film in demo.curated()}  # curated films come first

    second = cli.ok("seed", "--movies", str(wanted))
    assert "nothing to add" in second.stdout
    assert api.db.scalar("SELECT count(*) FROM movies") == wanted
