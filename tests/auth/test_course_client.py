"""Issue 8, the course's client unchanged: what glrodasz/platzi-auth-passport's ssr-server sends.

Its axios calls, replayed byte for byte: sign-up with no API key (CINEPASS_SIGNUP_REQUIRES_API_KEY
=false), sign-in with Basic credentials (Node encodes them as UTF-8) and {apiKeyToken}, then the
list with the token it keeps in a cookie. It hands every field of the sign-in answer but `token`
to browser JavaScript, so with a `public` key that answer must hold no refresh token.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.scopes import PRESETS
from tests.conftest import make_settings
from tests.support import Api, LiveServer

PASSWORD = "contraseña segura ñandú"
# axios 0.19 on Node: its default headers, and JSON bodies as `JSON.stringify` writes them.
AXIOS_HEADERS = {
    "Accept": "application/json, text/plain, */*",
    "Content-Type": "application/json;charset=utf-8",
    "User-Agent": "axios/0.19.2",
}


def node_basic(username: str, password: str) -> str:
    # http.request({auth}) sends "Basic " + Buffer.from(auth).toString("base64"): UTF-8.
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def json_text(body: dict[str, object]) -> bytes:
    import json

    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class CourseServer:
    """The API as the course's ssr-server reaches it, with that server's `public` key."""

    http: httpx.Client
    api: Api
    api_key_token: str

    def axios(
        self, method: str, path: str, body: dict[str, object] | None, **headers: str
    ) -> httpx.Response:
        sent = {**AXIOS_HEADERS, **headers}
        if body is None:
            sent.pop("Content-Type")
        content = json_text(body) if body is not None else None
        return self.http.request(method, path, content=content, headers=sent)


def open_sign_up(settings: Settings, **limits: object) -> Settings:
    return make_settings(settings.database.url, limits={"signup_requires_api_key": False, **limits})


@pytest.fixture
def course(
    settings: Settings, api: Api, make_key: Callable[[list[str]], str]
) -> Iterator[CourseServer]:
    with (
        LiveServer(create_app(open_sign_up(settings))) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield CourseServer(http, api, make_key(list(PRESETS["public"])))


def test_the_course_render_server_signs_up_signs_in_and_keeps_a_list(
    course: CourseServer,
) -> None:
    email = f"alumna-{uuid.uuid4().hex[:8]}@platzi.example"
    movie_id = course.api.create_movie(title="El laberinto del fauno", year=2006)
    # app.post("/auth/sign-up"): the browser's body, passed on as it is, with no key.
    signed_up = course.axios(
        "POST", "/api/auth/sign-up", {"name": "Ñusta Peña", "email": email, "password": PASSWORD}
    )
    assert signed_up.status_code == 201, signed_up.text
    # BasicStrategy: auth {username: email, password}, data {apiKeyToken}.
    signed_in = course.axios(
        "POST",
        "/api/auth/sign-in",
        {"apiKeyToken": course.api_key_token},
        Authorization=node_basic(email, PASSWORD),
    )
    assert signed_in.status_code == 200, signed_in.text
    # `const { token, ...user } = data; res.status(200).json(user)`: what the browser gets.
    data = signed_in.json()
    token = data.pop("token")
    assert data == {
        "expiresIn": 900,
        "user": {"id": signed_up.json()["data"], "name": "Ñusta Peña", "email": email},
    }
    # app.post("/user-movies"): the browser's body with the cookie's token as a Bearer.
    added = course.axios(
        "POST",
        "/api/user-movies",
        {"userId": data["user"]["id"], "movieId": movie_id},
        Authorization=f"Bearer {token}",
    )
    assert added.status_code == 201, added.text
    user_movie_id = added.json()["data"]
    removed = course.axios(
        "DELETE", f"/api/user-movies/{user_movie_id}", None, Authorization=f"Bearer {token}"
    )
    assert removed.status_code == 200, removed.text


def test_sign_up_without_a_key_is_401_by_default(api: Api) -> None:
    r = api.http.post(
        "/api/auth/sign-up",
        json={"name": "Ana", "email": f"ana-{uuid.uuid4().hex[:8]}@x.es", "password": PASSWORD},
    )
    assert r.status_code == 401
    assert r.json()["statusCode"] == 401


def test_an_open_sign_up_still_checks_a_key_that_is_sent(
    course: CourseServer, make_key: Callable[[list[str]], str]
) -> None:
    def sign_up(key: str) -> httpx.Response:
        email = f"ana-{uuid.uuid4().hex[:8]}@x.es"
        body = {"name": "Ana", "email": email, "password": PASSWORD, "apiKeyToken": key}
        return course.axios("POST", "/api/auth/sign-up", body)

    assert sign_up("cpk_not-a-real-key").status_code == 401
    refused = sign_up(make_key(["signin:auth"]))
    assert refused.status_code == 403
    assert refused.json()["statusCode"] == 403
    assert sign_up(course.api_key_token).status_code == 201


def test_an_open_sign_up_is_still_limited_per_address(settings: Settings) -> None:
    strict = open_sign_up(settings, signup_per_address="2 per 10 seconds")
    with (
        LiveServer(create_app(strict)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        statuses = [
            http.post(
                "/api/auth/sign-up",
                json={"name": "Ana", "email": f"a-{uuid.uuid4().hex}@x.es", "password": PASSWORD},
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [201, 201, 429]
