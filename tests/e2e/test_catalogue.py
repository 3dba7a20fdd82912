"""Browsing the seeded catalogue in a real browser: every page accessible (axe-core), nothing
asked of any other machine, genres paged, search kept in the address, screenshots saved."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import VIEWPORTS, Hosts, screenshot, seeded_site, serious_violations, settle
from tests.support import Api, bearer
from tests.web.conftest import Web

PASSWORD = "palomitas a medianoche"


@pytest.fixture(scope="module")
def seeded(api: Api, built_spa: Path) -> Iterator[Web]:
    with seeded_site(api.db.url, built_spa) as site:
        yield site


def signed_in_context(chromium: Browser, site: Web, viewport: str = "desktop") -> BrowserContext:
    email = f"cine-{uuid.uuid4().hex[:8]}@example.com"
    site.api.sign_up(email, PASSWORD, name="Íñigo Muñoz")
    # axe.min.js is added to each page as an inline script: the app's CSP would refuse it.
    ctx = chromium.new_context(base_url=site.url, viewport=VIEWPORTS[viewport], bypass_csp=True)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    page.close()
    return ctx


def movie_id(site: Web, title: str) -> str:
    r = site.http.get("/api/movies", params={"q": title}, headers=bearer(site.api.admin_token()))
    assert r.status_code == 200, r.text
    return str(next(m["id"] for m in r.json()["data"] if m["title"] == title))


def audit(page: Page, path: str, findings: dict[str, list[str]]) -> None:
    page.goto(path)
    settle(page)
    found = serious_violations(page)
    if found:
        findings[path] = found


def test_every_page_passes_axe_and_asks_nothing_of_another_host(
    chromium: Browser, seeded: Web
) -> None:
    hosts = Hosts()
    findings: dict[str, list[str]] = {}

    visitor = chromium.new_context(base_url=seeded.url, bypass_csp=True)
    page = visitor.new_page()
    hosts.watch(page)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    for path in (
        "/sign-in",
        "/sign-up",
        "/forgot-password",
        "/reset-password",
        "/verify-email",
        "/nope",
    ):
        audit(page, path, findings)
    # No 401 for the session on a signed-out page load.
    assert console_errors == [], console_errors
    visitor.close()

    ctx = signed_in_context(chromium, seeded)
    page = ctx.new_page()
    hosts.watch(page)
    fantomas = movie_id(seeded, "Fantômas: In the Shadow of the Guillotine")
    for path in (
        "/",
        f"/search?q={quote('Fantômas')}",
        "/genres/horror",
        "/my-list",
        f"/player/{fantomas}",
        "/account",
        "/no-such-page",
    ):
        audit(page, path, findings)
    # The menus, open.
    page.goto("/")
    settle(page)
    page.get_by_role("button", name="Genres").click()
    expect(page.get_by_role("list", name="Genres").get_by_role("link").first).to_be_visible()
    if found := serious_violations(page):
        findings["genres menu"] = found
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Account menu").click()
    if found := serious_violations(page):
        findings["account menu"] = found
    ctx.close()

    assert findings == {}
    assert hosts.outside() == {}
    assert "127.0.0.1" in hosts.seen


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_screenshots_of_home_player_genre_and_account(
    chromium: Browser, seeded: Web, viewport: str
) -> None:
    ctx = signed_in_context(chromium, seeded, viewport)
    page = ctx.new_page()
    hosts = Hosts()
    hosts.watch(page)
    mabuse = movie_id(seeded, "Dr. Mabuse the Gambler")
    for name, path in (
        ("home", "/"),
        ("player", f"/player/{mabuse}"),
        ("genre", "/genres/comedy"),
        ("account", "/account"),
    ):
        page.goto(path)
        settle(page)
        screenshot(page, f"{name}-{viewport}")
        if name == "account":
            # No provider is configured: no empty "Sign-in methods" box.
            expect(page.get_by_role("heading", name="Where you're signed in")).to_be_visible()
            expect(page.get_by_test_id("sign-in-methods")).to_have_count(0)
    ctx.close()
    for name in ("home", "player", "genre", "account"):
        assert (ARTIFACTS / f"{name}-{viewport}.png").stat().st_size > 0
    assert hosts.outside() == {}


def test_a_genre_page_shows_its_films_a_page_at_a_time(chromium: Browser, seeded: Web) -> None:
    ctx = signed_in_context(chromium, seeded)
    page = ctx.new_page()
    page.goto("/genres/horror")
    expect(page.get_by_role("heading", level=1, name="Horror")).to_be_visible()
    cards = page.get_by_test_id("genre-page").get_by_test_id("movie-card")
    expect(cards).to_have_count(24)
    page.get_by_role("button", name="More horror films").click()
    # The seeded catalogue holds 30 horror films: the second page is the last.
    expect(cards).to_have_count(30)
    expect(page.get_by_role("button", name="More horror films")).to_have_count(0)
    ids = cards.evaluate_all("cards => cards.map(c => c.dataset.movieId)")
    assert len(set(ids)) == 30
    # A reload of a genre page is the same page (the render server answers its path).
    page.reload()
    expect(cards).to_have_count(24)
    ctx.close()


def test_the_genres_menu_works_from_the_keyboard(chromium: Browser, seeded: Web) -> None:
    ctx = signed_in_context(chromium, seeded)
    page = ctx.new_page()
    page.goto("/my-list")
    expect(page.get_by_role("heading", level=1, name="My list")).to_be_visible()
    genres = page.get_by_role("button", name="Genres")
    genres.focus()
    page.keyboard.press("Enter")
    expect(genres).to_have_attribute("aria-expanded", "true")
    first = page.get_by_role("list", name="Genres").get_by_role("link").first
    expect(first).to_be_visible()
    page.keyboard.press("Escape")
    expect(genres).to_have_attribute("aria-expanded", "false")
    expect(genres).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/genres/[a-z-]+$"))
    expect(page.get_by_test_id("genre-page").get_by_test_id("movie-card").first).to_be_visible()
    ctx.close()


def test_a_search_stays_in_the_address_and_back_returns_to_it(
    chromium: Browser, seeded: Web
) -> None:
    ctx = signed_in_context(chromium, seeded)
    page = ctx.new_page()
    page.goto("/")
    page.get_by_label("Search movies").fill("Fantômas")
    expect(page).to_have_url(re.compile(r"/search\?q=Fant%C3%B4mas$"))
    results = page.get_by_test_id("search-results")
    title = "Fantômas: In the Shadow of the Guillotine"
    results.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search\?q=Fant%C3%B4mas$"))
    expect(page.get_by_label("Search movies")).to_have_value("Fantômas")
    expect(results.get_by_role("link", name=title)).to_be_visible()

    # The player's own Back link returns to the results too; a reload keeps them.
    results.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Back").click()
    expect(results.get_by_role("link", name=title)).to_be_visible()
    page.reload()
    expect(results.get_by_role("link", name=title)).to_be_visible()

    page.get_by_label("Search movies").fill("ñ")
    expect(page).to_have_url(re.compile(r"/search\?q=%C3%B1$"))
    expect(results).to_contain_text("“ñ”")
    ctx.close()


def test_a_signed_out_visitor_is_sent_to_sign_in_and_gets_no_media(
    chromium: Browser, seeded: Web
) -> None:
    mabuse = movie_id(seeded, "Dr. Mabuse the Gambler")
    ctx = chromium.new_context(base_url=seeded.url)
    page = ctx.new_page()
    media: list[str] = []
    page.on("request", lambda r: media.append(r.url) if "/media/" in r.url else None)
    page.goto(f"/player/{mabuse}")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    assert ctx.request.get(f"/api/movies/{mabuse}/playback").status == 401
    assert media == []
    ctx.close()
