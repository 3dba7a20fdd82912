"""`cinepass admin movies`: the catalogue over HTTP, and importing JSON and CSV files."""

from __future__ import annotations

import csv
import json
import re
import uuid
from pathlib import Path
from typing import Any

from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import Api, bearer, movie_body


def _catalogue(api: Api, marker: str) -> dict[str, dict[str, Any]]:
    """The movies whose title holds `marker`, by title."""
    r = api.http.get(
        "/api/movies", params={"q": marker, "limit": 100}, headers=bearer(api.admin_token())
    )
    assert r.status_code == 200, r.text
    return {m["title"]: m for m in r.json()["data"]}


def test_create_get_update_list_and_delete_round_trip(cli: Cli, api: Api) -> None:
    marker = uuid.uuid4().hex[:8]
    created = cli.ok(
        "admin", "movies", "create",
        "--title", f"{marker} Metropolis",
        "--year", "1927",
        "--cover", "https://example.org/metropolis.svg",
        "--description", "A city of the future, split between thinkers and workers.",
        "--duration", "153",
        "--content-rating", "NR",
        "--source", "https://example.org/metropolis.mp4",
        "--tag", "sci-fi",
        "--tag", "silent",
    )  # fmt: skip
    match = re.search(r"created (\S+)", created.stdout)
    assert match, created
    movie_id = match[1]

    shown = json.loads(cli.ok("admin", "movies", "get", movie_id, "--json").stdout)
    assert shown["id"] == movie_id
    assert shown["title"] == f"{marker} Metropolis"
    assert (shown["year"], shown["duration"], shown["contentRating"]) == (1927, 153, "NR")
    assert shown["tags"] == ["sci-fi", "silent"]

    cli.ok("admin", "movies", "update", movie_id, "--duration", "148", "--tag", "restored")
    movie = _catalogue(api, marker)[f"{marker} Metropolis"]
    assert (movie["duration"], movie["tags"], movie["year"]) == (148, ["restored"], 1927)

    listed = json.loads(cli.ok("admin", "movies", "list", "--q", marker, "--json").stdout)
    assert [(m["id"], m["duration"]) for m in listed["data"]] == [(movie_id, 148)]
    assert listed["next"] is None

    cli.ok("admin", "movies", "delete", movie_id)
    r = api.http.get(f"/api/movies/{movie_id}", headers=bearer(api.admin_token()))
    assert r.status_code == 404


def test_json_import_creates_every_movie_and_exits_0(cli: Cli, api: Api, tmp_path: Path) -> None:
    marker = uuid.uuid4().hex[:8]
    file = tmp_path / "movies.json"
    file.write_text(
        json.dumps(
            [movie_body(title=f"{marker} One"), movie_body(title=f"{marker} Two", year=1931)]
        )
    )
    result = cli.ok("admin", "movies", "import", str(file))
    assert "created 2 movies from 2 rows" in result.stdout
    movies = _catalogue(api, marker)
    assert set(movies) == {f"{marker} One", f"{marker} Two"}
    assert movies[f"{marker} Two"]["year"] == 1931


def test_csv_import_with_bad_rows_creates_the_good_ones_and_names_the_bad(
    cli: Cli, api: Api, tmp_path: Path
) -> None:
    marker = uuid.uuid4().hex[:8]
    fields = [
        "title",
        "year",
        "cover",
        "description",
        "duration",
        "contentRating",
        "source",
        "tags",
    ]
    rows = [
        movie_body(title=f"{marker} Good 1", tags="comedy|silent"),
        movie_body(title=f"{marker} Bad year", year="nineteen"),
        movie_body(title=f"{marker} Good 2", tags=""),
        movie_body(title=f"{marker} Bad cover", cover="javascript:alert(1)"),
        movie_body(title=f"{marker} Good 3", duration=95, tags="drama"),
    ]
    file = tmp_path / "movies.csv"
    with file.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    result = cli("admin", "movies", "import", str(file))

    assert result.code == 1, result
    assert "Traceback" not in result.output
    assert "created 3 movies from 5 rows" in result.stdout
    reported = dict(re.findall(r"row (\d+): (.+)", result.stderr))
    assert set(reported) == {"2", "4"}, result
    assert "year" in reported["2"]
    assert "cover" in reported["4"]
    movies = _catalogue(api, marker)
    assert set(movies) == {f"{marker} Good 1", f"{marker} Good 2", f"{marker} Good 3"}
    assert movies[f"{marker} Good 1"]["tags"] == ["comedy", "silent"]
    assert movies[f"{marker} Good 3"]["duration"] == 95


def test_importing_twice_adds_nothing_and_update_changes_the_films_already_there(
    cli: Cli, api: Api, tmp_path: Path
) -> None:
    marker = uuid.uuid4().hex[:8]
    films = [
        movie_body(title=f"{marker} Fantômas", year=1913, duration=54),
        movie_body(title=f"{marker} El ángel exterminador", year=1962, duration=95),
    ]
    file = tmp_path / "películas.json"
    file.write_text(json.dumps(films), encoding="utf-8")

    first = cli.ok("admin", "movies", "import", str(file))
    assert "created 2 movies from 2 rows" in first.stdout
    again = cli.ok("admin", "movies", "import", str(file))
    assert "created 0 movies from 2 rows" in again.stdout
    assert "2 skipped, already in the catalogue" in again.stdout
    assert set(_catalogue(api, marker)) == {f"{marker} Fantômas", f"{marker} El ángel exterminador"}

    # The natural key is the title as search compares it (case, accents) and the year: the same
    # film written otherwise is updated with --update; the 1932 remake is another film.
    changed = [
        movie_body(title=f"{marker.upper()} FANTOMAS", year=1913, duration=60),
        movie_body(title=f"{marker} Fantômas", year=1932, duration=80),
    ]
    file.write_text(json.dumps(changed), encoding="utf-8")
    updated = cli.ok("admin", "movies", "import", str(file), "--update")
    assert "created 1 movie from 2 rows" in updated.stdout
    assert "updated 1 movie" in updated.stdout
    movies = _catalogue(api, marker)
    assert sorted((m["year"], m["duration"]) for m in movies.values()) == [
        (1913, 60),
        (1932, 80),
        (1962, 95),
    ]
    assert f"{marker.upper()} FANTOMAS" in movies, "--update writes the title as the file has it"


def test_a_csv_with_a_wrong_header_gets_one_error_naming_missing_and_unknown_columns(
    cli: Cli, api: Api, tmp_path: Path
) -> None:
    marker = uuid.uuid4().hex[:8]
    file = tmp_path / "películas.csv"
    file.write_text(
        "Title,year,poster,description,duration,contentRating,source,géneros\n"
        f"{marker} Fantômas,1913,https://example.org/f.svg,El genio del crimen,54,NR,"
        "https://example.org/f.mp4,crimen\n",
        encoding="utf-8",
    )
    result = cli("admin", "movies", "import", str(file))
    error = assert_clear_failure(result, "title, year, cover")
    assert "missing title, cover" in error, error
    assert "unknown 'Title', 'poster', 'géneros'" in error, error
    assert _catalogue(api, marker) == {}
