"""The render server signs a browser in and proxies its calls, with tokens only in the cookie."""

from __future__ import annotations

import uuid

from tests.support import has_session
from tests.web.conftest import Web

PASSWORD = "a browser's passphrase"


def test_sign_in_then_browse_and_keep_a_list(web: Web) -> None:
    email = f"web-{uuid.uuid4().hex[:8]}@example.com"
    web.api.sign_up(email, PASSWORD)
    movie_id = web.api.create_movie(title="The Kid", year=1921)
    with web.browser() as browser:
        r = web.sign_in(browser, email, PASSWORD)
        assert r.status_code == 200, r.text
        user = r.json()["user"]
        assert user == {"id": user["id"], "name": "Ada", "email": email, "role": "user"}
        assert browser.get("/auth/session").json()["user"]["email"] == email
        movies = browser.get("/api/movies", params={"q": "The Kid"})
        assert movies.status_code == 200
        assert any(m["id"] == movie_id for m in movies.json()["data"])
        added = browser.post(
            "/api/user-movies", json={"movieId": movie_id}, headers=web.same_origin()
        )
        assert added.status_code == 201
        assert [e["movieId"] for e in browser.get("/api/user-movies").json()["data"]] == [movie_id]
        out = browser.post("/auth/sign-out", headers=web.same_origin())
        assert out.status_code == 200
        assert not has_session(browser)
