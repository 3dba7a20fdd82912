"""What a person does in the app, in a real browser: every step through the render server."""

from __future__ import annotations

import re
import time
import uuid

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.web.conftest import Web

PASSWORD = "popcorn at midnight"
COOKIE = "__Host-cinepass"


def new_account(site: Web) -> str:
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    site.api.sign_up(email, PASSWORD, name="Grace Hopper")
    return email


def sign_in(page: Page, email: str, remember: bool = False) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if remember:
        page.get_by_label("Remember me").check()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()


def session_cookie(context: BrowserContext) -> dict[str, object]:
    cookies = [c for c in context.cookies() if c["name"] == COOKIE]
    assert len(cookies) == 1
    return dict(cookies[0])


def card(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("search-results").get_by_test_id("movie-card").filter(has_text=title)


def test_sign_up_sign_in_search_and_keep_a_list(context: BrowserContext, site: Web) -> None:
    marker = uuid.uuid4().hex[:6]
    title = f"Metropolis {marker}"
    site.api.create_movie(title=title, year=1927, tags=["sci-fi", "silent"])
    site.api.create_movie(title=f"Nosferatu {marker}", year=1922, tags=["horror"])
    page = context.new_page()
    email = f"new-{marker}@example.com"

    page.goto("/sign-up")
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("link-sent")).to_contain_text(f"We sent a link to {email}")
    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))

    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("GH")

    page.get_by_label("Search movies").fill(marker)
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("movie-card")).to_have_count(2)
    card(page, title).get_by_role("button", name=f"Add {title} to My list").click()
    my_list = page.get_by_test_id("my-list")
    page.get_by_label("Search movies").fill("")
    expect(my_list.get_by_test_id("movie-card").filter(has_text=title)).to_be_visible()

    page.reload()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(
        page.get_by_test_id("my-list").get_by_test_id("movie-card").filter(has_text=title)
    ).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=False)

    page.get_by_test_id("my-list").get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name=f"Remove {title} from My list").click()
    page.goto("/")
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(
        page.get_by_test_id("my-list").get_by_test_id("movie-card").filter(has_text=title)
    ).to_have_count(0)
    entries = site.api.db.scalar(
        "SELECT count(*) FROM user_movies um JOIN users u ON u.id = um.user_id"
        " WHERE u.email_key = :e",
        e=email,
    )
    assert entries == 0


def test_the_browser_never_holds_a_token(context: BrowserContext, site: Web) -> None:
    page = context.new_page()
    sign_in(page, new_account(site))
    storage = page.evaluate(
        "() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]"
    )
    assert storage == ["", "{}", "{}"]
    cookie = session_cookie(context)
    assert cookie["httpOnly"] is True
    assert cookie["secure"] is True
    assert cookie["sameSite"] == "Strict"
    assert not str(cookie["value"]).startswith("eyJ")


def test_remember_me_keeps_the_cookie_for_30_days(chromium: Browser, site: Web) -> None:
    email = new_account(site)
    for remember, lasting in ((False, False), (True, True)):
        context = chromium.new_context(base_url=site.url)
        page = context.new_page()
        sign_in(page, email, remember=remember)
        expires = float(session_cookie(context)["expires"])  # type: ignore[arg-type]
        if lasting:
            assert abs(expires - (time.time() + 30 * 24 * 3600)) < 120
        else:
            assert expires == -1, "a browser-session cookie"
        context.close()


def test_the_app_keeps_working_when_the_access_token_expires(
    chromium: Browser, short_lived_site: Web
) -> None:
    site = short_lived_site
    marker = uuid.uuid4().hex[:6]
    title = f"Safety Last {marker}"
    site.api.create_movie(title=title, year=1923)
    context = chromium.new_context(base_url=site.url)
    page = context.new_page()
    sign_in(page, new_account(site))
    before = session_cookie(context)["value"]
    time.sleep(3)  # the 2-second access token has expired
    page.reload()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    page.get_by_label("Search movies").fill(marker)
    card(page, title).get_by_role("button", name=f"Add {title} to My list").click()
    page.get_by_label("Search movies").fill("")
    expect(
        page.get_by_test_id("my-list").get_by_test_id("movie-card").filter(has_text=title)
    ).to_be_visible()
    assert session_cookie(context)["value"] != before, "the render server re-sealed fresh tokens"
    context.close()


def test_sign_out_ends_the_session_and_the_old_cookie(chromium: Browser, site: Web) -> None:
    context = chromium.new_context(base_url=site.url)
    page = context.new_page()
    sign_in(page, new_account(site))
    old = session_cookie(context)
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    assert not [c for c in context.cookies() if c["name"] == COOKIE]
    context.close()

    replay = chromium.new_context(base_url=site.url)
    replay.add_cookies(
        [
            {
                k: v
                for k, v in old.items()
                if k in {"name", "value", "domain", "path", "secure", "httpOnly", "sameSite"}
            }
        ]
    )  # type: ignore[misc]
    assert replay.request.get("/auth/session").json() == {"signedIn": False}
    assert replay.request.get("/api/user-movies").status == 401
    replay.close()


def test_signed_out_visitors_go_to_sign_in_and_come_back_only_to_our_pages(
    context: BrowserContext, site: Web
) -> None:
    page = context.new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    email = new_account(site)
    page.goto("/sign-in?next=https://evil.example/steal&returnTo=https://evil.example/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    assert page.url.startswith(site.url)


def test_a_wrong_password_shows_a_message_and_sets_no_cookie(
    context: BrowserContext, site: Web
) -> None:
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(new_account(site))
    page.get_by_label("Password").fill("not my password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("form-error")).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == COOKIE]


def test_unknown_pages_show_not_found(context: BrowserContext, site: Web) -> None:
    page = context.new_page()
    sign_in(page, new_account(site))
    page.goto("/no/such/page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
