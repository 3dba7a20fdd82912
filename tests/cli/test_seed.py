"""`cinepass seed`: demo movies until the catalogue holds the number asked for."""

from __future__ import annotations

from urllib.parse import quote_plus

from cinepass.movies import demo
from cinepass.movies.posters import poster_slug
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


def test_seed_points_demo_films_of_an_older_seed_at_their_own_clips(cli: Cli, api: Api) -> None:
    film = demo.curated()[1]  # "Workers Leaving the Lumière Factory"
    old = f"https://archive.org/search?query={quote_plus(film['title'])}"
    movie_id = api.create_movie(title=film["title"], year=film["year"], source=old)
    # Not a demo film: its link elsewhere is an admin's choice and stays.
    other_id = api.create_movie(title="Fuera de catálogo", source=f"{old}+otra")

    result = cli.ok("seed", "--movies", "1", CINEPASS_PUBLIC_URL="http://cine.example:8000")
    assert "demo films at their own clips" in result.stdout
    slug = poster_slug(film["title"], film["year"])
    source = "SELECT source FROM movies WHERE id = :id"
    assert api.db.scalar(source, id=movie_id) == f"http://cine.example:8000/media/{slug}.mp4"
    assert api.db.scalar(source, id=other_id) == f"{old}+otra"
