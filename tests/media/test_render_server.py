"""Through the render server: playback needs a session, and /media streams the API's clip with
Range as the browser asks for it, with no session at all (the signature authorises)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from cinepass.sealing import new_key
from cinepass.web.app import create_web_app
from tests.media.conftest import MediaApi, assert_playable_mp4
from tests.support import Api, LiveServer, built_spa, free_port
from tests.web.conftest import Browser, Web, web_settings

PASSWORD = "una contraseña larga"


@pytest.fixture(scope="module")
def site(api: Api, media_api: MediaApi) -> Iterator[Web]:
    """A render server in front of `media_api`."""
    port = free_port()
    settings = web_settings(api, port, built_spa(), api={"url": media_api.url})
    with (
        LiveServer(create_web_app(settings), port=port) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        yield Web(url=server.url, http=http, api=api)


def test_playback_through_the_render_server_needs_a_session(site: Web, media_api: MediaApi) -> None:
    movie_id, _ = media_api.film("Las Hurdes: tierra sin pan", 1933)
    r = site.http.get(f"/api/movies/{movie_id}/playback")
    assert r.status_code == 401
    assert r.json()["statusCode"] == 401


def test_a_signed_in_browser_plays_and_seeks_through_the_render_server(
    site: Web, media_api: MediaApi
) -> None:
    email = f"cine-{uuid.uuid4().hex[:8]}@example.com"
    user_id = site.api.sign_up(email, PASSWORD, name="Begoña")
    movie_id, slug = media_api.film("Un perro andaluz", 1929, ["surrealismo", "corto"])
    with site.browser() as browser, site.browser() as stranger:
        assert site.sign_in(browser, email, PASSWORD).status_code == 200
        url = play(browser, movie_id, user_id, slug)
        # A <video> element: the page's origin, its cookie or none, and Range requests.
        assert_streams_with_range(stranger, url, media_api.http.get(url).content)
        csp = browser.get("/").headers["content-security-policy"]
    assert "media-src 'self';" in csp


def play(browser: Browser, movie_id: str, user_id: str, slug: str) -> str:
    r = browser.get(f"/api/movies/{movie_id}/playback")
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["kind"] == "local"
    url: str = data["url"]
    assert url.startswith(f"/media/{slug}.mp4?")
    assert parse_qs(urlsplit(url).query)["user"] == [user_id]
    return url


def assert_streams_with_range(stranger: Browser, url: str, clip: bytes) -> None:
    whole = stranger.get(url)
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == len(whole.content)
    assert_playable_mp4(whole.content)
    assert whole.content == clip

    size = len(whole.content)
    start = size - 5000
    part = stranger.get(url, headers={"Range": f"bytes={start}-{start + 999}"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes {start}-{start + 999}/{size}"
    assert part.headers["content-length"] == "1000"
    assert part.content == whole.content[start : start + 1000]
    # If-Range with a stale validator: the whole file, as RFC 9110 says.
    stale = stranger.get(url, headers={"Range": "bytes=0-9", "If-Range": '"not-this-one"'})
    assert stale.status_code == 200
    assert len(stale.content) == size
    beyond = stranger.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416


def test_the_render_server_refuses_what_the_api_refuses(
    site: Web, media_api: MediaApi, user: tuple[str, str]
) -> None:
    _, token = user
    movie_id, slug = media_api.film("Tierra y libertad", 1995)
    url = media_api.play(token, movie_id)["url"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    tampered = f"/media/{slug}.mp4?{urlencode({**query, 'expires': int(query['expires']) + 1})}"
    for path in (tampered, f"/media/{slug}.mp4"):
        r = site.http.get(path)
        assert r.status_code == 403, r.text
        assert r.json()["statusCode"] == 403
    # Signed by a key the API does not hold.
    foreign = media_api.signer(new_key()).sign(f"/media/{slug}.mp4", query["user"])
    assert site.http.get(foreign.url).status_code == 403
    # Not a slug, or not a clip's path: refused before the API is asked, not the SPA's page.
    for path in ("/media/Un_Perro.mp4", "/media/..%2Fapi.mp4", f"/media/{slug}.webm"):
        r = site.http.get(path)
        assert r.status_code == 404, path
        assert r.json()["statusCode"] == 404


def test_only_the_signed_parameters_reach_the_api(
    site: Web, media_api: MediaApi, user: tuple[str, str]
) -> None:
    _, token = user
    movie_id, _ = media_api.film("Bienvenido, Mister Marshall", 1953)
    url = media_api.play(token, movie_id)["url"]
    # The API refuses an unknown parameter (400); the render server drops it instead.
    assert media_api.http.get(f"{url}&extra=1").status_code == 400
    assert site.http.get(f"{url}&extra=1", headers={"Range": "bytes=0-0"}).status_code == 206
