"""Movies: create, read, update, delete, as an admin and as a reader."""

from __future__ import annotations

from tests.support import Api, bearer, envelope, movie_body


def test_admin_creates_and_reads_a_movie(api: Api, admin_token: str) -> None:
    movie_id = api.create_movie(admin_token, title="Metropolis", year=1927)
    r = api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert r.status_code == 200
    body = r.json()
    assert body["message"] == "movie retrieved"
    assert body["data"]["title"] == "Metropolis"
    assert body["data"]["year"] == 1927
    assert body["data"]["contentRating"] == "G"
    assert body["data"]["tags"] == ["comedy", "silent"]


def test_missing_movie_is_404_not_an_empty_object(api: Api, admin_token: str) -> None:
    r = api.http.get("/api/movies/nope", headers=bearer(admin_token))
    assert r.status_code == 404
    assert envelope(r) == {"statusCode": 404, "error": "Not Found", "message": "movie not found"}


def test_update_changes_only_the_fields_sent(api: Api, admin_token: str) -> None:
    movie_id = api.create_movie(admin_token, title="Sherlock Jr.", year=1924)
    r = api.http.put(
        f"/api/movies/{movie_id}",
        json={"duration": 45, "tags": ["comedy"]},
        headers=bearer(admin_token),
    )
    assert r.status_code == 200
    assert r.json() == {"data": movie_id, "message": "movie updated"}
    movie = api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token)).json()["data"]
    assert movie["duration"] == 45
    assert movie["title"] == "Sherlock Jr."
    assert movie["tags"] == ["comedy"]


def test_update_of_a_missing_movie_is_404_and_creates_nothing(api: Api, admin_token: str) -> None:
    before = api.db.scalar("SELECT count(*) FROM movies")
    r = api.http.put("/api/movies/missing-id", json={"title": "Ghost"}, headers=bearer(admin_token))
    assert r.status_code == 404
    assert api.db.scalar("SELECT count(*) FROM movies") == before


def test_delete_removes_the_movie_and_a_second_delete_is_404(api: Api, admin_token: str) -> None:
    movie_id = api.create_movie(admin_token)
    r = api.http.delete(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert r.status_code == 200
    assert r.json()["message"] == "movie deleted"
    assert api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token)).status_code == 404
    assert (
        api.http.delete(f"/api/movies/{movie_id}", headers=bearer(admin_token)).status_code == 404
    )


def test_unknown_fields_are_refused_with_details(api: Api, admin_token: str) -> None:
    r = api.http.post("/api/movies", json=movie_body(isAdmin=True), headers=bearer(admin_token))
    assert r.status_code == 400
    body = r.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert any(d["field"] == "body.isAdmin" for d in body["details"])


def test_field_limits_are_enforced(api: Api, admin_token: str) -> None:
    cases = {
        "title": "x" * 81,
        "year": 1887,
        "duration": 301,
        "contentRating": "PG-130",
        "description": "y" * 301,
        "cover": "not a url",
        "source": "javascript:alert(1)",
        "tags": ["z" * 51],
    }
    for field, value in cases.items():
        r = api.http.post(
            "/api/movies", json=movie_body(**{field: value}), headers=bearer(admin_token)
        )
        assert r.status_code == 400, (field, r.text)
        assert any(field in d["field"] for d in r.json()["details"]), (field, r.text)


def test_a_year_sent_as_text_is_refused(api: Api, admin_token: str) -> None:
    r = api.http.post("/api/movies", json=movie_body(year="1926"), headers=bearer(admin_token))
    assert r.status_code == 400


def test_an_empty_or_null_update_is_refused(api: Api, admin_token: str) -> None:
    movie_id = api.create_movie(admin_token)
    for body in ({}, {"title": None}):
        r = api.http.put(f"/api/movies/{movie_id}", json=body, headers=bearer(admin_token))
        assert r.status_code == 400, body
