"""Playing a film in Chromium: the signed clip plays, seeks, and the position is kept."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from cinepass.movies.posters import poster_slug
from tests.e2e.pages import seeded_site
from tests.e2e.test_catalogue import movie_id, signed_in_context
from tests.support import Api
from tests.web.conftest import Web

TITLE = "Fantômas: In the Shadow of the Guillotine"


@pytest.fixture(scope="module")
def seeded(api: Api, built_spa: Path) -> Iterator[Web]:
    with seeded_site(api.db.url, built_spa) as site:
        yield site


@pytest.fixture
def viewer(chromium: Browser, seeded: Web) -> Iterator[BrowserContext]:
    ctx = signed_in_context(chromium, seeded)
    yield ctx
    ctx.close()


def video_state(page: Page) -> dict[str, float]:
    state: dict[str, float] = page.get_by_test_id("video").evaluate(
        "v => ({ready: v.readyState, time: v.currentTime, duration: v.duration,"
        " error: v.error ? v.error.code : 0, paused: v.paused ? 1 : 0})"
    )
    return state


def play(page: Page) -> None:
    video = page.get_by_test_id("video")
    expect(video).to_be_visible()
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=video]');"
        " return v && v.readyState >= 3 && !v.paused; }",
        timeout=60_000,
    )


def test_a_film_plays_seeks_and_resumes_where_it_was_left(
    viewer: BrowserContext, seeded: Web
) -> None:
    fantomas = movie_id(seeded, TITLE)
    page = viewer.new_page()
    media_statuses: list[int] = []
    page.on("response", lambda r: media_statuses.append(r.status) if "/media/" in r.url else None)
    page.goto(f"/player/{fantomas}")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    play(page)
    start = video_state(page)["time"]
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=video]').currentTime > {start + 1}"
    )
    assert video_state(page)["ready"] >= 3
    assert set(media_statuses) <= {200, 206}
    assert 206 in media_statuses

    # Seek (Range requests): the browser lands there and keeps playing; the seek is saved.
    progress = re.compile(r"/api/movies/[^/]+/progress$")
    with page.expect_request(progress) as sought:
        page.get_by_test_id("video").evaluate("v => { v.currentTime = 12; }")
    assert sought.value.method == "PUT"
    assert 12 <= sought.value.post_data_json["position"] < 13
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=video]');"
        " return !v.seeking && v.currentTime > 13 && v.readyState >= 3; }"
    )
    # A pause saves where it is.
    with page.expect_request(progress) as paused:
        page.get_by_test_id("video").evaluate("v => v.pause()")
    assert 13 < paused.value.post_data_json["position"] < paused.value.post_data_json["duration"]

    # Leaving while it plays saves too (a keepalive request as the page goes).
    page.get_by_test_id("video").evaluate("v => v.play()")
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime > 15")
    with page.expect_request(progress) as leaving:
        page.get_by_role("link", name="Home", exact=True).click()
    left_at = leaving.value.post_data_json["position"]
    duration = leaving.value.post_data_json["duration"]
    assert 15 < left_at < duration

    # Continue watching shows it; back on its page, the film starts where it was left.
    row = page.get_by_test_id("continue-watching")
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    watched = row.get_by_role("progressbar")
    share = round(100 * left_at / duration)
    near = "|".join(str(n) for n in (share - 1, share, share + 1))
    expect(watched).to_have_attribute("aria-valuenow", re.compile(f"^({near})$"))
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=video]');"
        " return v && v.readyState >= 1; }"
    )
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('[data-testid=video]').currentTime - {left_at}) < 1"
    )


def test_an_expired_link_is_renewed_once_then_the_page_says_so(
    viewer: BrowserContext, seeded: Web
) -> None:
    fantomas = movie_id(seeded, TITLE)
    page = viewer.new_page()
    asked: list[str] = []

    def expire(route: Route) -> None:
        # The API's answer, with its URL's expiry moved into the past (the signature then fails).
        answer = route.fetch()
        body = answer.json()
        url = urlsplit(body["data"]["url"])
        query = dict(parse_qsl(url.query))
        query["expires"] = "1000000000"
        body["data"]["url"] = f"{url.path}?{urlencode(query)}"
        asked.append(body["data"]["url"])
        route.fulfill(response=answer, json=body)

    page.route(re.compile(r"/api/movies/[^/]+/playback$"), expire)
    media: list[int] = []
    page.on("response", lambda r: media.append(r.status) if "/media/" in r.url else None)
    page.goto(f"/player/{fantomas}")
    expect(page.get_by_test_id("video-fallback")).to_contain_text(
        "This film can't be played right now"
    )
    assert len(asked) == 2, "one renewal, then the message"
    assert media
    assert set(media) == {403}
    # Trying again with a good link plays.
    page.unroute(re.compile(r"/api/movies/[^/]+/playback$"))
    page.get_by_role("button", name="Try again").click()
    play(page)


def test_a_film_hosted_elsewhere_is_a_link_that_says_it_leaves_cinepass(
    viewer: BrowserContext, seeded: Web
) -> None:
    title = f"La Roue {uuid.uuid4().hex[:6]}"
    slug = poster_slug(title, 1923)
    movie = seeded.api.create_movie(
        title=title,
        year=1923,
        cover=f"{seeded.url}/posters/{slug}.svg",
        source="https://archive.example/la-roue.mp4",
    )
    page = viewer.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or ""))
    page.goto(f"/player/{movie}")
    outside = page.get_by_test_id("video-external")
    expect(outside).to_contain_text("This film is hosted outside cinepass")
    expect(outside).to_contain_text("archive.example, a site that isn't part of cinepass")
    link = outside.get_by_role("link", name=re.compile("^Watch outside cinepass"))
    expect(link).to_have_attribute("href", "https://archive.example/la-roue.mp4")
    expect(link).to_have_attribute("target", "_blank")
    assert page.get_by_test_id("video").count() == 0
    assert hosts == {"127.0.0.1"}
