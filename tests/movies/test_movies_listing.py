"""Listing movies: tags (any of), title search, page size and keyset cursors."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api, bearer, eventually


@pytest.fixture
def catalogue(api: Api, admin_token: str) -> tuple[str, list[str]]:
    """Twelve movies whose titles share a marker unique to this test."""
    marker = uuid.uuid4().hex[:8]
    tags_by_index = {0: ["noir"], 1: ["noir", "crime"], 2: ["western"], 3: ["crime"]}
    ids = [
        api.create_movie(
            admin_token,
            title=f"{marker} Film {i:02d}",
            tags=[*tags_by_index.get(i, ["drama"]), marker],
        )
        for i in range(12)
    ]
    return marker, ids


def titles(api: Api, token: str, **params: object) -> tuple[list[str], str | None]:
    r = api.http.get("/api/movies", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["message"] == "movies listed"
    return [m["title"] for m in body["data"]], body["next"]


def test_search_matches_part_of_the_title_in_any_case(
    api: Api, admin_token: str, catalogue: tuple[str, list[str]]
) -> None:
    marker, _ = catalogue
    found, _ = titles(api, admin_token, q=f"{marker.upper()} film 0", limit=100)
    assert found == [f"{marker} Film {i:02d}" for i in range(10)]


def test_search_treats_wildcards_as_text(
    api: Api, admin_token: str, catalogue: tuple[str, list[str]]
) -> None:
    assert titles(api, admin_token, q="%")[0] == []
    assert titles(api, admin_token, q="_")[0] == []


def test_tags_match_any_of_those_given(
    api: Api, admin_token: str, catalogue: tuple[str, list[str]]
) -> None:
    marker, _ = catalogue
    found, _ = titles(api, admin_token, q=marker, tags=["noir", "western"], limit=100)
    assert found == [f"{marker} Film 00", f"{marker} Film 01", f"{marker} Film 02"]
    found, _ = titles(api, admin_token, tags=[marker], limit=100)
    assert len(found) == 12


def test_cursor_pages_walk_every_movie_once_in_title_order(
    api: Api, admin_token: str, catalogue: tuple[str, list[str]]
) -> None:
    marker, _ = catalogue
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"q": marker, "limit": 5}
        if cursor:
            params["cursor"] = cursor
        page, cursor = titles(api, admin_token, **params)
        seen.extend(page)
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"{marker} Film {i:02d}" for i in range(12)]


def test_a_movie_added_mid_walk_does_not_shift_later_pages(
    api: Api, admin_token: str, catalogue: tuple[str, list[str]]
) -> None:
    marker, _ = catalogue
    first, cursor = titles(api, admin_token, q=marker, limit=4)
    api.create_movie(admin_token, title=f"{marker} Film 00a")  # sorts before the cursor
    second, _ = titles(api, admin_token, q=marker, limit=4, cursor=cursor)
    assert second == [f"{marker} Film {i:02d}" for i in range(4, 8)]
    assert first == [f"{marker} Film {i:02d}" for i in range(4)]


def test_default_page_is_20_and_limit_is_capped_at_100(api: Api, admin_token: str) -> None:
    for _ in range(21 - len(titles(api, admin_token, limit=21)[0])):
        api.create_movie(admin_token)
    assert len(titles(api, admin_token)[0]) == 20
    for bad in (0, 101, -1, "ten"):
        r = api.http.get("/api/movies", params={"limit": bad}, headers=bearer(admin_token))
        assert r.status_code == 400, bad
        assert r.json()["details"][0]["field"] == "query.limit"


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhIl0", "eyJ0IjoxfQ", ""])
def test_a_forged_cursor_is_400(api: Api, admin_token: str, cursor: str) -> None:
    r = api.http.get("/api/movies", params={"cursor": cursor}, headers=bearer(admin_token))
    assert r.status_code == 400
    assert "cursor" in r.json()["message"]


def test_a_cursor_hiding_a_nul_character_is_400_not_a_database_error(
    api: Api, admin_token: str
) -> None:
    import base64
    import json

    sneaky = base64.urlsafe_b64encode(json.dumps(["a\u0000b", "id"]).encode()).decode()
    r = api.http.get("/api/movies", params={"cursor": sneaky}, headers=bearer(admin_token))
    assert r.status_code == 400


def test_a_renamed_film_moves_within_its_tags_pages(api: Api, admin_token: str) -> None:
    marker = f"etiqueta-{uuid.uuid4().hex[:8]}"
    ids = {
        title: api.create_movie(admin_token, title=f"{marker} {title}", tags=["drama", marker])
        for title in ("Ánimas", "Bruma", "Ceniza")
    }
    renamed = api.http.put(
        f"/api/movies/{ids['Ánimas']}",
        json={"title": f"{marker} Óxido"},
        headers=bearer(admin_token),
    )
    assert renamed.status_code == 200, renamed.text
    first, cursor = titles(api, admin_token, tags=[marker], limit=2)
    assert first == [f"{marker} Bruma", f"{marker} Ceniza"]
    rest, _ = titles(api, admin_token, tags=[marker, "no-such-tag"], limit=2, cursor=cursor)
    assert rest == [f"{marker} Óxido"]
    # Changed behind the API's back, as an operator's SQL would: the pages follow too.
    api.db.query(
        "UPDATE movies SET title = :title, title_key = :key WHERE id = :id",
        title=f"{marker} Aurora",
        key=f"{marker} aurora",
        id=ids["Ceniza"],
    )
    eventually(lambda: titles(api, admin_token, tags=[marker], limit=1)[0] == [f"{marker} Aurora"])
