"""The API's public surface: health, readiness, OpenAPI, posters, and no default accounts."""

from __future__ import annotations

import httpx

from tests.support import Api, LiveServer, postgres_database


def test_health_and_ready_answer_200(api: Api) -> None:
    assert api.http.get("/health").json() == {"status": "ok"}
    assert api.http.get("/ready").json() == {"status": "ready"}


def test_ready_and_requests_answer_503_json_when_the_database_goes_away() -> None:
    from cinepass.api import create_app
    from cinepass.db import migrate
    from tests.conftest import make_settings
    from tests.support import drop_postgres_database

    with postgres_database() as url:
        settings = make_settings(url, database={"timeout_seconds": 2.0})
        migrate.upgrade(settings)
        with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:
            assert http.get("/ready").status_code == 200
            drop_postgres_database(url)
            r = http.get("/ready")
            assert r.status_code == 503
            assert r.json()["statusCode"] == 503
            assert http.get("/health").status_code == 200


def test_openapi_describes_every_route_and_the_bearer_scheme(api: Api) -> None:
    doc = api.http.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/auth/sign-up",
        "/api/auth/sign-in",
        "/api/movies",
        "/api/movies/{movie_id}",
        "/api/user-movies",
        "/api/user-movies/{user_movie_id}",
        "/.well-known/jwks.json",
        "/health",
        "/ready",
    ):
        assert path in paths, path
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    assert "403" in paths["/api/movies"]["post"]["responses"]
    assert api.http.get("/docs").status_code == 200


def test_posters_are_generated_svg_that_needs_no_network(api: Api) -> None:
    r = api.http.get("/posters/the-general-1926.svg")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text
    assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in r.text
    assert api.http.get("/posters/..%2fetc.svg").status_code == 404


def test_a_fresh_database_has_no_accounts_at_all() -> None:
    from cinepass.db import migrate
    from tests.conftest import make_settings
    from tests.support import Database

    with postgres_database() as url:
        settings = make_settings(url)
        migrate.upgrade(settings)
        db = Database(url)
        assert db.scalar("SELECT count(*) FROM users") == 0
        assert db.scalar("SELECT count(*) FROM api_keys") == 0
