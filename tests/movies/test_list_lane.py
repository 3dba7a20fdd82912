"""GET /api/movies answers alike whichever way it is served.

Plain requests are served by the list's lane (cinepass.movies.fast_lane), everything else by
the route; these are the requests at the border between the two, asked as a client would.
"""

from __future__ import annotations

import base64
import uuid

import pytest

from cinepass.cursors import INVALID_CURSOR
from tests.support import Api, bearer, envelope


@pytest.fixture
def marked(api: Api, admin_token: str) -> str:
    marker = f"Lane {uuid.uuid4().hex[:8]}"
    for i in range(3):
        api.create_movie(admin_token, title=f"{marker} Ñu {i}", tags=["animación", marker])
    return marker


def listed(api: Api, token: str, query: str) -> list[str]:
    r = api.http.get(f"/api/movies?{query}", headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return [movie["title"] for movie in r.json()["data"]]


def refused(api: Api, token: str | None, query: str, status: int = 400) -> dict[str, object]:
    headers = bearer(token) if token else {}
    r = api.http.get(f"/api/movies?{query}", headers=headers)
    assert r.status_code == status, r.text
    return envelope(r)


def test_odd_spellings_of_a_plain_request_list_the_same_page(
    api: Api, admin_token: str, marked: str
) -> None:
    q = marked.replace(" ", "%20")
    plain = listed(api, admin_token, f"q={q}&limit=2")
    assert plain == [f"{marked} Ñu 0", f"{marked} Ñu 1"]
    for odd in (f"q={q}&limit=02", f"limit=2&q=%20{q}%20", f"q={q.upper()}&limit=+2"):
        assert listed(api, admin_token, odd) == plain, odd
    # Non-ASCII tags, composed or not, percent-encoded as browsers send them.
    assert listed(api, admin_token, f"tags=animaci%C3%B3n&q={q}") == [
        f"{marked} Ñu {i}" for i in range(3)
    ]
    assert listed(api, admin_token, f"tags=animacio%CC%81n&q={q}&limit=1") == [f"{marked} Ñu 0"]


def test_requests_the_route_refuses_are_refused(api: Api, admin_token: str) -> None:
    too_many_tags = "&".join(f"tags=t{i}" for i in range(21))
    for query in (
        too_many_tags,
        "tags=" + "x" * 51,
        "q=" + "x" * 81,
        "q=a%00b",
        "cursor=" + "x" * 513,
        "limit=0",
        "limit=101",
        "limit=2&limit=3",
        "q=a&q=b",
        "sort=title",
        "access_token=abc",
    ):
        body = refused(api, admin_token, query)
        assert body["statusCode"] == 400, query


def test_a_made_up_cursor_is_a_readable_400(api: Api, admin_token: str) -> None:
    made_up = base64.urlsafe_b64encode(b'["only one part"]').decode().rstrip("=")
    for cursor in (made_up, "not-a-cursor", ""):
        body = refused(api, admin_token, f"cursor={cursor}")
        assert body == {"statusCode": 400, "error": "Bad Request", "message": INVALID_CURSOR}


def test_only_a_bearer_token_holding_read_movies_lists(api: Api, admin_token: str) -> None:
    assert refused(api, None, "limit=1", 401)["message"] == "an access token is required"
    r = api.http.get("/api/movies?limit=1", headers={"Authorization": f"Basic {admin_token}"})
    assert r.status_code == 401, r.text
    r = api.http.get("/api/movies?limit=1", headers={"Authorization": f"bearer {admin_token}"})
    assert r.status_code == 200, r.text
    r = api.http.get("/api/movies?limit=1", headers=bearer(admin_token + "x"))
    assert r.status_code == 401, r.text
