"""Genres, Trends and the home page's rows: each film at most once, rows that do not all open
alike, and Trends that follow what people added and played this week."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.support import Api, bearer


def _plays(api: Api, user_id: str, movie_id: str, count: int, days_ago: float = 0) -> None:
    """Plays as the playback route records them, `days_ago` in the past."""
    at = api.db.moment(datetime.now(UTC) - timedelta(days=days_ago))
    values = ", ".join(f"('{uuid.uuid4().hex}', :u, :m, :at)" for _ in range(count))
    api.db.query(
        f"INSERT INTO plays (id, user_id, movie_id, played_at) VALUES {values}",
        u=user_id,
        m=movie_id,
        at=at,
    )


def test_genres_are_counted_most_films_first(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    big, small = f"género-{uuid.uuid4().hex[:6]}", f"cómic-{uuid.uuid4().hex[:6]}"
    for i in range(3):
        api.create_movie(admin_token, title=f"Película {i}", tags=[big])
    api.create_movie(admin_token, title="Otra", tags=[small, big])
    r = api.http.get("/api/catalogue/genres", headers=bearer(user[1]))
    assert r.status_code == 200, r.text
    counts = {g["tag"]: (g["count"], g["title"]) for g in r.json()["data"]}
    assert counts[big] == (4, big[:1].upper() + big[1:])
    assert counts[small][0] == 1
    tags = [g["tag"] for g in r.json()["data"]]
    assert tags.index(big) < tags.index(small)


def test_trends_follow_this_weeks_plays_and_adds(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    user_id, token = user
    hot = api.create_movie(admin_token, title="El ángel exterminador", year=1962)
    warm = api.create_movie(admin_token, title="Fantômas", year=1913)
    stale = api.create_movie(admin_token, title="Old news", year=1920)
    # More than any other test plays a film: these two lead whatever ran before.
    _plays(api, user_id, hot, 1000)
    _plays(api, user_id, warm, 900)
    api.http.post("/api/user-movies", json={"movieId": warm}, headers=bearer(token))
    _plays(api, user_id, stale, 2000, days_ago=8)  # outside the week: does not count
    r = api.http.get("/api/catalogue/trends", params={"limit": 2}, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["data"]] == [hot, warm]
    # A quiet catalogue still fills the row (from lists, then a daily shuffle).
    r = api.http.get("/api/catalogue/trends", params={"limit": 6}, headers=bearer(token))
    assert len(r.json()["data"]) == 6


def test_home_rows_show_each_film_once_and_open_differently(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    _, token = user
    tag = f"noir-{uuid.uuid4().hex[:6]}"
    for i in range(12):
        api.create_movie(admin_token, title=f"A{i:02d} Sombra", tags=[tag, "drama"])
    r = api.http.get("/api/catalogue/rows", params={"limit": 6}, headers=bearer(token))
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    assert rows[0]["key"] == "trending"
    seen = [m["id"] for row in rows for m in row["movies"]]
    assert len(seen) == len(set(seen)), "a film appears in at most one row"
    assert all(len(row["movies"]) <= 6 for row in rows)
    genre_rows = [row for row in rows if row["tag"]]
    assert genre_rows
    assert all(row["key"] == f"genre:{row['tag']}" for row in genre_rows)
    # Not the catalogue's alphabetical run: with 12 "A.." titles, a row in title order would
    # open with them all.
    titles = [m["title"] for row in rows for m in row["movies"]]
    assert titles[: len(titles) // 2] != sorted(titles)[: len(titles) // 2]


def test_a_film_being_watched_is_left_out_of_the_rows(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    user_id, token = user
    movie_id = api.create_movie(admin_token, title="Nosferatu, eine Symphonie des Grauens")
    _plays(api, user_id, movie_id, 400)
    before = api.http.get("/api/catalogue/rows", headers=bearer(token)).json()["data"]
    assert movie_id in [m["id"] for m in before[0]["movies"]], "most played this week: trending"
    r = api.http.put(
        f"/api/movies/{movie_id}/progress",
        json={"position": 5, "duration": 24},
        headers=bearer(token),
    )
    assert r.status_code == 200
    after = api.http.get("/api/catalogue/rows", headers=bearer(token)).json()["data"]
    assert movie_id not in [m["id"] for row in after for m in row["movies"]]


def test_row_size_is_bounded(api: Api, user: tuple[str, str]) -> None:
    for path in ("/api/catalogue/rows", "/api/catalogue/trends"):
        r = api.http.get(path, params={"limit": 500}, headers=bearer(user[1]))
        assert r.status_code in (400, 422)
        assert "message" in r.json()
