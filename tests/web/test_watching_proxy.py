"""The render server passes the SPA's watching and catalogue calls, and only as the SPA makes
them: progress is saved with the CSRF header from our origin, never otherwise."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.web.conftest import Browser, Web

PASSWORD = "palomitas con sal"


@pytest.fixture
def viewer(web: Web) -> Iterator[Browser]:
    email = f"vista-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD, name="Begoña")
    browser = web.browser()
    assert web.sign_in(browser, email, PASSWORD).status_code == 200
    yield browser
    browser.close()


def test_progress_saved_through_the_render_server_shows_in_continue_watching(
    web: Web, viewer: Browser
) -> None:
    movie = web.api.create_movie(title=f"Fantômas ñ {uuid.uuid4().hex[:6]}", tags=["crime"])
    saved = viewer.act(f"/api/movies/{movie}/progress", {"position": 7.5, "duration": 24}, "PUT")
    assert saved.status_code == 200, saved.text
    assert saved.json()["data"] == {"position": 7.5, "duration": 24, "finished": False}
    (watching,) = viewer.get("/api/watching").json()["data"]
    assert watching["movie"]["id"] == movie
    assert watching["position"] == 7.5


def test_progress_without_the_csrf_header_never_reaches_the_api(web: Web, viewer: Browser) -> None:
    movie = web.api.create_movie(title=f"Häxan {uuid.uuid4().hex[:6]}")
    r = viewer.put(f"/api/movies/{movie}/progress", json={"position": 3, "duration": 24})
    assert r.status_code == 403, r.text
    assert viewer.get("/api/watching").json()["data"] == []


def test_the_catalogue_routes_pass_with_their_one_query_parameter(
    web: Web, viewer: Browser
) -> None:
    web.api.create_movie(title=f"Entr'acte {uuid.uuid4().hex[:6]}", tags=["comedy"])
    genres = viewer.get("/api/catalogue/genres")
    assert genres.status_code == 200, genres.text
    assert "comedy" in {g["tag"] for g in genres.json()["data"]}
    rows = viewer.get("/api/catalogue/rows", params={"limit": 3, "userId": "someone-else"})
    assert rows.status_code == 200, rows.text
    assert all(len(row["movies"]) <= 3 for row in rows.json()["data"])
    assert viewer.get("/api/catalogue/trends", params={"limit": 2}).status_code == 200


def test_signed_out_the_session_answer_is_200_and_says_so(web: Web) -> None:
    with web.browser() as stranger:
        r = stranger.get("/auth/session")
        assert r.status_code == 200
        assert r.json() == {"signedIn": False}
        assert stranger.get("/api/watching").status_code == 401
