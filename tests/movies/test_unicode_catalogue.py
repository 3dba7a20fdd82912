"""Spanish titles and tags: search ignores case and accents, and every spelling is stored as one."""

from __future__ import annotations

import unicodedata
import uuid

import pytest

from tests.movies.test_movies_listing import titles
from tests.support import Api, bearer


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def spanish(api: Api, admin_token: str) -> tuple[str, dict[str, str]]:
    marker = uuid.uuid4().hex[:8]
    names = {
        "nandu": f"Ñandú en la ciudad {marker}",
        "cancion": f"Canción de cuna 🎬 {marker}",
        "strasse": f"Straße der Ölmühle {marker}",
        "plain": f"Plain title {marker}",
    }
    for title in names.values():
        api.create_movie(admin_token, title=title, tags=[f"acción-{marker}"])
    return marker, names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ÑANDÚ", "nandu"),
        ("ñandú", "nandu"),
        ("nandu", "nandu"),
        ("N\u0303ANDU\u0301", "nandu"),  # decomposed, as some keyboards send it
        ("CANCIÓN DE", "cancion"),
        ("cancion", "cancion"),
        ("🎬", "cancion"),
        ("STRASSE", "strasse"),
        ("ölmühle", "strasse"),
    ],
)
def test_title_search_ignores_case_and_accents(
    api: Api, admin_token: str, spanish: tuple[str, dict[str, str]], query: str, expected: str
) -> None:
    marker, names = spanish
    found, _ = titles(api, admin_token, q=f"{query}", limit=100)
    ours = [t for t in found if marker in t]
    assert ours == [names[expected]]


def test_a_decomposed_title_is_stored_composed_and_found_by_either_spelling(
    api: Api, admin_token: str
) -> None:
    marker = uuid.uuid4().hex[:8]
    composed = f"Pequeña película {marker}"
    movie_id = api.create_movie(admin_token, title=nfd(composed), tags=[nfd("comedia-ñ")])
    r = api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert r.json()["data"]["title"] == composed
    assert r.json()["data"]["tags"] == ["comedia-ñ"]
    for query in (composed, nfd(composed), f"PEQUENA PELICULA {marker}"):
        assert titles(api, admin_token, q=query)[0] == [composed]
    assert titles(api, admin_token, tags=[nfd("comedia-ñ")], q=marker)[0] == [composed]


def test_renaming_a_movie_changes_what_search_finds(api: Api, admin_token: str) -> None:
    marker = uuid.uuid4().hex[:8]
    movie_id = api.create_movie(admin_token, title=f"Ayer {marker}")
    r = api.http.put(
        f"/api/movies/{movie_id}",
        json={"title": f"Mañana {marker}"},
        headers=bearer(admin_token),
    )
    assert r.status_code == 200, r.text
    assert titles(api, admin_token, q=f"manana {marker}")[0] == [f"Mañana {marker}"]
    assert titles(api, admin_token, q=f"ayer {marker}")[0] == []


def test_tags_with_accents_filter_exactly(
    api: Api, admin_token: str, spanish: tuple[str, dict[str, str]]
) -> None:
    marker, names = spanish
    found, _ = titles(api, admin_token, tags=[f"acción-{marker}"], limit=100)
    assert sorted(found) == sorted(names.values())
    assert titles(api, admin_token, tags=[f"accion-{marker}"])[0] == []
