"""Each user's list: add, list with the movie embedded, remove; nobody touches another's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support import Api, bearer


def test_add_list_and_remove_a_movie(api: Api, admin_token: str, user: tuple[str, str]) -> None:
    user_id, token = user
    movie_id = api.create_movie(admin_token, title="Nosferatu", year=1922)
    r = api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(token))
    assert r.status_code == 201
    assert r.json()["message"] == "user movie created"
    entry_id = r.json()["data"]
    listed = api.http.get("/api/user-movies", headers=bearer(token)).json()
    assert listed["message"] == "user movies listed"
    assert [(e["id"], e["userId"], e["movie"]["title"]) for e in listed["data"]] == [
        (entry_id, user_id, "Nosferatu")
    ]
    r = api.http.delete(f"/api/user-movies/{entry_id}", headers=bearer(token))
    assert r.status_code == 200
    assert api.http.get("/api/user-movies", headers=bearer(token)).json()["data"] == []


def test_adding_the_same_movie_twice_returns_the_existing_entry(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    _, token = user
    movie_id = api.create_movie(admin_token)
    first = api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(token))
    again = api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(token))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["data"] == again.json()["data"]
    assert len(api.http.get("/api/user-movies", headers=bearer(token)).json()["data"]) == 1


def test_concurrent_adds_of_one_movie_make_one_entry(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    user_id, token = user
    movie_id = api.create_movie(admin_token)

    def add(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=str(api.http.base_url), timeout=30) as client:
            r = client.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(token))
            return r.status_code, r.json()["data"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(add, range(20)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 19 + [201], "one add creates the entry, the others find it"
    assert len({entry for _, entry in results}) == 1
    assert api.db.scalar("SELECT count(*) FROM user_movies WHERE user_id = :u", u=user_id) == 1


def test_adding_an_unknown_movie_is_404(api: Api, user: tuple[str, str]) -> None:
    r = api.http.post(
        "/api/user-movies", json={"movieId": "no-such-movie"}, headers=bearer(user[1])
    )
    assert r.status_code == 404


def test_nobody_can_add_to_someone_elses_list(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    victim_id, _ = api.new_user()
    movie_id = api.create_movie(admin_token)
    r = api.http.post(
        "/api/user-movies", json={"movieId": movie_id, "userId": victim_id}, headers=bearer(user[1])
    )
    assert r.status_code == 403
    assert api.db.scalar("SELECT count(*) FROM user_movies WHERE user_id = :u", u=victim_id) == 0


def test_nobody_can_list_or_delete_someone_elses_entries(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    victim_id, victim_token = api.new_user()
    movie_id = api.create_movie(admin_token)
    entry = api.http.post(
        "/api/user-movies", json={"movieId": movie_id}, headers=bearer(victim_token)
    )
    entry_id = entry.json()["data"]
    attacker = bearer(user[1])
    listed = api.http.get("/api/user-movies", params={"userId": victim_id}, headers=attacker)
    assert listed.status_code == 403
    assert entry_id not in listed.text
    assert api.http.delete(f"/api/user-movies/{entry_id}", headers=attacker).status_code == 404
    assert len(api.http.get("/api/user-movies", headers=bearer(victim_token)).json()["data"]) == 1


def test_an_admin_can_read_anyones_list(api: Api, admin_token: str) -> None:
    victim_id, victim_token = api.new_user()
    movie_id = api.create_movie(admin_token)
    api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(victim_token))
    r = api.http.get("/api/user-movies", params={"userId": victim_id}, headers=bearer(admin_token))
    assert r.status_code == 200
    assert [e["movieId"] for e in r.json()["data"]] == [movie_id]


def test_deleting_a_movie_removes_it_from_every_list(
    api: Api, admin_token: str, user: tuple[str, str]
) -> None:
    movie_id = api.create_movie(admin_token)
    added = api.http.post("/api/user-movies", json={"movieId": movie_id}, headers=bearer(user[1]))
    assert added.status_code == 201, added.text
    listed = api.http.get("/api/user-movies", headers=bearer(user[1])).json()["data"]
    assert [e["movieId"] for e in listed] == [movie_id]
    deleted = api.http.delete(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert deleted.status_code == 200, deleted.text
    assert api.http.get(f"/api/movies/{movie_id}", headers=bearer(user[1])).status_code == 404
    assert api.http.get("/api/user-movies", headers=bearer(user[1])).json()["data"] == []
