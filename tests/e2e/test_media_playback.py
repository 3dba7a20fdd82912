"""A signed clip in Chromium, through the render server: it plays, seeks by Range, and an expired
URL gets no media. (The player page itself is tested with the SPA; this is the media path.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from cinepass.sealing import new_key
from cinepass.web.app import create_web_app
from tests.media.conftest import TTL, MediaApi, serve_media_api
from tests.support import Api, LiveServer, free_port
from tests.web.conftest import web_settings

ADD_VIDEO = """url => {
    const video = document.createElement("video");
    video.id = "clip";
    video.muted = true;
    video.preload = "auto";
    video.src = url;
    document.body.append(video);
}"""


@pytest.fixture(scope="module")
def media_site(
    api: Api, built_spa: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, MediaApi]]:
    with serve_media_api(api, tmp_path_factory.mktemp("clips"), [new_key()]) as media:
        port = free_port()
        settings = web_settings(api, port, built_spa, api={"url": media.url})
        with LiveServer(create_web_app(settings), port=port) as server:
            yield server.url, media


@pytest.fixture
def page(chromium: Browser, media_site: tuple[str, MediaApi]) -> Iterator[Page]:
    context = chromium.new_context(base_url=media_site[0])
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_signed_clip_plays_and_seeks_in_chromium(
    page: Page, media_site: tuple[str, MediaApi], user: tuple[str, str]
) -> None:
    _, media = media_site
    _, token = user
    movie_id, slug = media.film("Fantômas: À l'ombre de la guillotine", 1913, ["crimen"])
    url = media.play(token, movie_id)["url"]
    hosts: set[str] = set()
    statuses: list[int] = []
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or ""))
    page.on("response", lambda r: statuses.append(r.status) if "/media/" in r.url else None)

    # A page of the render server's origin, under its CSP (media-src 'self').
    page.goto("/")
    page.evaluate(ADD_VIDEO, url)
    page.wait_for_function("() => document.getElementById('clip').readyState >= 3")
    assert page.evaluate("document.getElementById('clip').duration") == pytest.approx(24, abs=0.5)
    page.evaluate("document.getElementById('clip').play()")
    page.wait_for_function("() => document.getElementById('clip').currentTime > 0.3")

    page.evaluate("document.getElementById('clip').currentTime = 17")
    page.wait_for_function(
        "() => { const v = document.getElementById('clip');"
        " return !v.seeking && v.readyState >= 2 && v.currentTime >= 17; }"
    )
    assert page.evaluate("document.getElementById('clip').error") is None
    assert 206 in statuses, statuses
    assert hosts == {"127.0.0.1"}
    assert (media.dir / f"{slug}.mp4").is_file()


def test_an_expired_url_gets_no_media(
    page: Page, media_site: tuple[str, MediaApi], user: tuple[str, str]
) -> None:
    _, media = media_site
    user_id, _ = user
    _, slug = media.film("El verdugo", 1963)
    expired = media.signer().sign(f"/media/{slug}.mp4", user_id, now=time.time() - TTL - 5)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/media/" in r.url else None)

    page.goto("/")
    page.evaluate(ADD_VIDEO, expired.url)
    page.wait_for_function("() => document.getElementById('clip').error !== null")
    assert page.evaluate("document.getElementById('clip').readyState") == 0
    assert set(statuses) == {403}
