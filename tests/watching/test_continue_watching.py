"""Saved positions: Continue watching lists the films a user is part-way through, newest first."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support import Api, bearer


def _save(
    api: Api, token: str, movie_id: str, position: float, duration: float = 24.0
) -> httpx.Response:
    return api.http.put(
        f"/api/movies/{movie_id}/progress",
        json={"position": position, "duration": duration},
        headers=bearer(token),
    )


def _watching(api: Api, token: str) -> list[tuple[str, float]]:
    r = api.http.get("/api/watching", headers=bearer(token))
    assert r.status_code == 200, r.text
    return [(w["movie"]["title"], w["position"]) for w in r.json()["data"]]


def test_a_saved_position_shows_in_continue_watching_newest_first(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    _, token = user
    first = api.create_movie(admin_token, title="Fantômas", year=1913)
    second = api.create_movie(admin_token, title="¿Quién sabe? ñandú 🎬", year=1950)
    r = _save(api, token, first, 7.5)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"position": 7.5, "duration": 24.0, "finished": False}
    assert _save(api, token, second, 3).status_code == 200
    assert _watching(api, token) == [("¿Quién sabe? ñandú 🎬", 3.0), ("Fantômas", 7.5)]
    # Saving again moves the film to the front and keeps the newest position.
    assert _save(api, token, first, 12.25).status_code == 200
    assert _watching(api, token) == [("Fantômas", 12.25), ("¿Quién sabe? ñandú 🎬", 3.0)]


def test_a_finished_film_leaves_continue_watching(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    _, token = user
    movie_id = api.create_movie(admin_token, title="D.O.A.", year=1949)
    assert _save(api, token, movie_id, 10).status_code == 200
    r = _save(api, token, movie_id, 23.5)
    assert r.json()["data"]["finished"] is True
    assert _watching(api, token) == []
    # Watched again from the start, it comes back.
    assert _save(api, token, movie_id, 2).status_code == 200
    assert _watching(api, token) == [("D.O.A.", 2.0)]


def test_positions_are_each_users_own(api: Api, admin_token: str, user: tuple[str, str]) -> None:
    _, token = user
    _, other = api.new_user()
    movie_id = api.create_movie(admin_token)
    assert _save(api, token, movie_id, 5).status_code == 200
    assert _watching(api, other) == []


def test_concurrent_saves_keep_one_position(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    user_id, token = user
    movie_id = api.create_movie(admin_token)

    def save(i: int) -> int:
        with httpx.Client(base_url=str(api.http.base_url), timeout=30) as client:
            r = client.put(
                f"/api/movies/{movie_id}/progress",
                json={"position": float(i), "duration": 24.0},
                headers=bearer(token),
            )
            return r.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(save, range(1, 13))) == {200}
    rows = api.db.query(
        "SELECT position_seconds FROM playback_positions WHERE user_id = :u", u=user_id
    )
    assert len(rows) == 1
    assert 1 <= rows[0][0] <= 12


@pytest.mark.parametrize(
    "body",
    [
        {"position": -1, "duration": 24},
        {"position": 1, "duration": 0},
        {"position": "half", "duration": 24},
        {"position": 1},
        {"position": 1e308, "duration": 24},
        {"position": 1, "duration": 24, "extra": True},
    ],
)
def test_a_malformed_position_is_400(
    api: Api, admin_token: str, user: tuple[str, str], body: dict[str, object]
) -> None:
    movie_id = api.create_movie(admin_token)
    r = api.http.put(f"/api/movies/{movie_id}/progress", json=body, headers=bearer(user[1]))
    assert r.status_code in (400, 422), r.text
    assert "message" in r.json()


def test_a_position_in_an_unknown_film_is_404(api: Api, user: tuple[str, str]) -> None:
    assert _save(api, user[1], "no-such-movie", 3).status_code == 404


def test_a_deleted_film_leaves_continue_watching(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    movie_id = api.create_movie(admin_token)
    assert _save(api, user[1], movie_id, 3).status_code == 200
    assert (
        api.http.delete(f"/api/movies/{movie_id}", headers=bearer(admin_token)).status_code == 200
    )
    assert _watching(api, user[1]) == []
