"""Title search: every film holding the fragment, once, in title order, page after page.

On PostgreSQL a fragment without a space is looked up among the title words (migration 0010:
tables kept by triggers); with a space, or with tags, it is matched against whole titles. These
tests hold either way, on both databases: what a film is called now is what finds it.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from cinepass.db import migrate
from cinepass.db.engine import create_engine
from cinepass.movies.pages import PageQuery, page_reader
from cinepass.text import search_key
from tests.conftest import make_settings
from tests.support import Api, Database, bearer, eventually


def walk(api: Api, token: str, limit: int = 2, **params: object) -> list[str]:
    """Every title the search finds, page by page; a film shown twice fails."""
    found: list[str] = []
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        query = {**params, "limit": limit} | ({"cursor": cursor} if cursor else {})
        r = api.http.get("/api/movies", params=query, headers=bearer(token))
        assert r.status_code == 200, r.text
        body = r.json()
        for movie in body["data"]:
            assert movie["id"] not in seen, f"{movie['title']} shown twice"
            seen.add(movie["id"])
            found.append(movie["title"])
        cursor = body["next"]
        if cursor is None:
            return found


@pytest.fixture
def marker() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def films(api: Api, admin_token: str, marker: str) -> list[str]:
    titles = [
        f"{marker}ñandú Rojo",
        f"El {marker} Señor",
        f"{marker}-Ánimas Ánimas",
        f"Café {marker}🎬",
        f"x{marker}y Bruma",
        f"Noche {marker} noche {marker}",  # the fragment twice: shown once
        f"{marker}ÉTÉ {marker}otoño",  # two words holding it
    ]
    for title in titles:
        api.create_movie(admin_token, title=title)
    return titles


def test_a_fragment_finds_every_film_holding_it_once_in_title_order(
    api: Api, admin_token: str, marker: str, films: list[str]
) -> None:
    everything = walk(api, admin_token, q=marker)
    assert sorted(everything) == sorted(films)
    # Smaller pages and other spellings of the same fragment walk the same films.
    assert walk(api, admin_token, limit=1, q=marker.upper()) == everything
    assert walk(api, admin_token, limit=100, q=f"  {marker} ") == everything
    for fragment in (
        f"{marker}ñandu",  # no accent, for "ñandú"
        f"{marker}ÑANDÚ",
        f"{marker}🎬",
        f"{marker}-anim",
        f"x{marker}",  # inside a word
        f"{marker}y",
        f"{marker}ete",
        f"{marker}oto",
        f"el {marker} se",  # across words
        f"noche {marker}",
    ):
        expected = [t for t in everything if search_key(fragment.strip()) in search_key(t)]
        assert expected, fragment
        assert walk(api, admin_token, q=fragment) == expected, fragment
    assert walk(api, admin_token, q=f"{marker}zz") == []


def test_a_renamed_or_deleted_film_is_found_by_what_it_is_called_now(
    api: Api, admin_token: str, marker: str
) -> None:
    ids = {
        title: api.create_movie(admin_token, title=f"{title} {marker}")
        for title in ("Ánimas", "Bruma", "Ceniza")
    }
    renamed = api.http.put(
        f"/api/movies/{ids['Ánimas']}",
        json={"title": f"Óxido {marker}"},
        headers=bearer(admin_token),
    )
    assert renamed.status_code == 200, renamed.text
    assert walk(api, admin_token, q=f"animas {marker}") == []
    assert walk(api, admin_token, q="óxido", limit=100).count(f"Óxido {marker}") == 1
    assert walk(api, admin_token, q=marker) == [
        f"Bruma {marker}",
        f"Ceniza {marker}",
        f"Óxido {marker}",
    ]
    deleted = api.http.delete(f"/api/movies/{ids['Bruma']}", headers=bearer(admin_token))
    assert deleted.status_code == 200, deleted.text
    assert walk(api, admin_token, q=marker) == [f"Ceniza {marker}", f"Óxido {marker}"]
    # Changed behind the API's back, as an operator's SQL would: search follows too.
    api.db.query(
        "UPDATE movies SET title = :title, title_key = :key WHERE id = :id",
        title=f"Aurora {marker}ñ",
        key=f"aurora {marker}n",
        id=ids["Ceniza"],
    )
    eventually(lambda: walk(api, admin_token, q=marker) == [f"Aurora {marker}ñ", f"Óxido {marker}"])
    assert walk(api, admin_token, q=f"{marker}n") == [f"Aurora {marker}ñ"]
    assert walk(api, admin_token, q=f"ceniza {marker}") == []
    api.db.query("DELETE FROM movies WHERE id = :id", id=ids["Ánimas"])
    eventually(lambda: walk(api, admin_token, q=marker) == [f"Aurora {marker}ñ"])


def test_a_film_with_two_of_the_tags_asked_for_is_shown_once(
    api: Api, admin_token: str, marker: str
) -> None:
    noir, crime = f"noir-{marker}", f"crimen-{marker}"
    tags = {"A": [noir], "B": [noir, crime], "C": [crime, noir], "D": [crime], "E": ["drama"]}
    for title, its_tags in tags.items():
        api.create_movie(admin_token, title=f"{title} {marker}", tags=its_tags)
    for limit in (1, 2, 3, 100):
        found = walk(api, admin_token, limit=limit, tags=[noir, crime])
        assert found == [f"{t} {marker}" for t in "ABCD"], limit


def test_films_added_before_the_upgrade_are_found_by_any_fragment(empty_url: str) -> None:
    settings = make_settings(empty_url)
    migrate.upgrade(settings, "0009")
    db = Database(empty_url)
    for n, title in enumerate(("El Niño Ñandú", "Año Nuevo", "Otro")):
        db.query(
            "INSERT INTO movies (id, title, title_key, year, cover, description, duration,"
            " content_rating, source, created_at, updated_at) VALUES (:id, :title, :key, 1950,"
            " 'http://x/c', 'd', 90, 'G', 'http://x/s', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            id=f"m{n}",
            title=title,
            key=search_key(title),
        )

    def search(q: str) -> list[str]:
        async def go() -> list[str]:
            engine = create_engine(settings)
            reader = page_reader(settings, engine)
            try:
                page = json.loads(await reader.read(PageQuery(q=q)))
            finally:
                await reader.close()
                await engine.dispose()
            return [movie["title"] for movie in page["data"]]

        return asyncio.run(go())

    migrate.upgrade(settings)
    assert search("ÑAND") == ["El Niño Ñandú"]
    assert search("ño") == ["Año Nuevo", "El Niño Ñandú"]
    # Down to 0009 and up again: the words are made anew, and kept from then on.
    migrate.downgrade(settings, "0009")
    migrate.upgrade(settings)
    db.query("UPDATE movies SET title = 'Año Viejo', title_key = 'ano viejo' WHERE id = 'm1'")
    assert search("viej") == ["Año Viejo"]
    assert search("nuev") == []
