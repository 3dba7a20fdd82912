"""Issue 10 in a real browser: mailed links (read from the suite's SMTP server) opened in
Chromium, the confirm-your-email banner, and sign out everywhere."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from cinepass.mail.letters import LetterKind
from tests.mail_inbox import Inbox
from tests.web.conftest import Web, link_token

NAME = "Begoña Íñiguez"
PASSWORD = "palomitas a medianoche ñ 🍿"
NEW_PASSWORD = "una contraseña nueva, señora 🎬"


def spanish_address(tag: str) -> str:
    return f"{tag}-ñandú-{uuid.uuid4().hex[:8]}@ejemplo.es"


def signed_up(site: Web, inbox: Inbox) -> tuple[str, str]:
    """A new account (email, verification link); the mail is taken from the inbox."""
    email = spanish_address("e2e")
    site.api.sign_up(email, PASSWORD, name=NAME)
    return email, inbox.wait_for(email, LetterKind.VERIFY_EMAIL).link("/verify-email")


def on_site(site: Web, link: str) -> str:
    """A mailed link, opened on the render server under test."""
    parts = urlsplit(link)
    return f"{site.url}{parts.path}#{parts.fragment}"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()


@contextmanager
def another_browser(chromium: Browser, site: Web, email: str) -> Iterator[Page]:
    """A page of a browser of its own (a context: its own cookies), signed in as `email`."""
    context = chromium.new_context(base_url=site.url)
    try:
        page = context.new_page()
        sign_in(page, email)
        yield page
    finally:
        context.close()


def recorded(page: Page) -> list[tuple[str, Request]]:
    """Every request the page makes, with the path of the page that made it."""
    requests: list[tuple[str, Request]] = []
    page.on("request", lambda request: requests.append((urlsplit(page.url).path, request)))
    return requests


def assert_the_token_went_nowhere_but_its_body(
    site: Web,
    page: Page,
    requests: list[tuple[str, Request]],
    token: str,
    *,
    landing: str,
    route: str,
) -> None:
    """From the link's page (`landing`): nothing but the site is loaded, and the token goes
    only in the body of one post to `route`; no URL or header ever carries it."""
    assert any(path == landing for path, _ in requests)
    for path, request in requests:
        if path == landing:
            assert request.url.startswith(site.url), f"the link page loaded {request.url}"
        assert token not in request.url
        headers = request.all_headers()
        # The link pages are served with Referrer-Policy: no-referrer.
        assert not headers.get("referer"), (request.url, headers["referer"])
        assert not any(token in value for value in headers.values())
    posts = [r for _, r in requests if urlsplit(r.url).path == route]
    assert len(posts) == 1, "posted once"
    assert token in (posts[0].post_data or "")
    assert "token" not in page.url
    assert page.evaluate("location.hash") == ""


def test_forgot_password_then_the_mailed_link_signs_the_browser_in(
    context: BrowserContext, site: Web, inbox: Inbox
) -> None:
    email, _ = signed_up(site, inbox)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    expect(page.get_by_label("Email", exact=True)).to_have_value(email)
    page.get_by_role("button", name="Send reset link").click()
    sent = page.get_by_test_id("link-sent")
    expect(sent).to_contain_text(email)
    expect(sent).to_contain_text("15 minutes")

    link = inbox.wait_for(email, LetterKind.PASSWORD_RESET).link("/reset-password")
    requests = recorded(page)
    page.goto(on_site(site, link))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "token" not in page.url, "the address bar dropped the token once read"
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(page).to_have_url(f"{site.url}/")
    expect(page.get_by_test_id("toasts")).to_contain_text("Your password was changed")
    assert_the_token_went_nowhere_but_its_body(
        site,
        page,
        requests,
        link_token(link),
        landing="/reset-password",
        route="/auth/password-reset/confirm",
    )
    inbox.wait_for(email, LetterKind.PASSWORD_CHANGED)

    # The link worked once.
    again = context.new_page()
    again.goto(on_site(site, link))
    again.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    again.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    again.get_by_role("button", name="Set new password").click()
    expect(again.get_by_test_id("form-error")).to_contain_text("expired or was already used")
    expect(again.get_by_role("link", name="Send me a new link")).to_be_visible()


def test_the_verification_banner_goes_once_the_link_is_opened(
    context: BrowserContext, site: Web, inbox: Inbox
) -> None:
    email = spanish_address("banner")
    page = context.new_page()
    page.goto("/sign-up")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("link-sent")).to_contain_text(f"We sent a link to {email}")
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    page.get_by_role("button", name="Resend link").click()
    expect(page.get_by_role("button", name="Link sent")).to_be_disabled()
    inbox.wait_for(email, LetterKind.VERIFY_EMAIL)

    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_label("Email", exact=True)).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    banner = page.get_by_test_id("verify-banner")
    expect(banner).to_contain_text(f"Confirm your email {email}")
    banner.get_by_role("button", name="Resend link").click()
    expect(banner.get_by_role("button", name="Link sent")).to_be_visible()
    link = inbox.wait_for(email, LetterKind.VERIFY_EMAIL).link("/verify-email")

    page.goto(on_site(site, link))
    expect(page.get_by_test_id("toasts")).to_contain_text(f"Email confirmed: {email}")
    expect(page).to_have_url(f"{site.url}/")
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(page.get_by_test_id("verify-banner")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(page.get_by_test_id("verify-banner")).to_have_count(0)


def test_the_verify_page_sends_its_token_only_in_a_body(
    context: BrowserContext, site: Web, inbox: Inbox
) -> None:
    _, link = signed_up(site, inbox)
    page = context.new_page()
    requests = recorded(page)
    page.goto(on_site(site, link))
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    expect(page.get_by_test_id("verify-banner")).to_have_count(0)
    assert_the_token_went_nowhere_but_its_body(
        site, page, requests, link_token(link), landing="/verify-email", route="/auth/verify-email"
    )


def test_a_used_verification_link_says_so(context: BrowserContext, site: Web, inbox: Inbox) -> None:
    _, link = signed_up(site, inbox)
    first = context.new_page()
    first.goto(on_site(site, link))
    expect(first.get_by_role("button", name="Account menu")).to_be_visible()
    second = context.new_page()
    second.goto(on_site(site, link))
    expect(second.get_by_test_id("form-error")).to_contain_text("expired or was already used")


def test_sign_out_everywhere_ends_a_second_browsers_session(
    chromium: Browser, context: BrowserContext, site: Web, inbox: Inbox
) -> None:
    email, _ = signed_up(site, inbox)
    here = context.new_page()
    sign_in(here, email)
    with (
        another_browser(chromium, site, email) as elsewhere,
        another_browser(chromium, site, email) as third,
    ):
        here.goto("/account")
        sessions = here.get_by_test_id("sessions-section").get_by_test_id("session")
        expect(sessions).to_have_count(3)
        expect(here.get_by_test_id("this-device")).to_have_count(1)
        expect(sessions.filter(has=here.get_by_test_id("this-device"))).not_to_contain_text(
            "Sign out"
        )
        # One other session first, with its own button: the newest, the third browser's.
        sessions.filter(has_not=here.get_by_test_id("this-device")).first.get_by_role(
            "button", name="Sign out"
        ).click()
        expect(sessions).to_have_count(2)
        third.goto("/account")
        expect(third).to_have_url(re.compile(r"/sign-in"))
        elsewhere.goto("/account")
        expect(elsewhere.get_by_role("heading", name="Account", level=1)).to_be_visible()

        here.get_by_role("button", name="Sign out everywhere").click()
        expect(here).to_have_url(re.compile(r"/sign-in"))
        expect(here.get_by_test_id("form-notice")).to_contain_text("signed out on every device")
        for page in (elsewhere, third):
            page.goto("/account")
            expect(page).to_have_url(re.compile(r"/sign-in"))
        here.goto("/")
        expect(here).to_have_url(re.compile(r"/sign-in"))


def test_changing_the_password_on_the_account_page_keeps_this_browser_signed_in(
    chromium: Browser, context: BrowserContext, site: Web, inbox: Inbox
) -> None:
    email, _ = signed_up(site, inbox)
    here = context.new_page()
    sign_in(here, email)
    with another_browser(chromium, site, email) as other:
        here.goto("/account")
        section = here.get_by_test_id("password-section")
        section.get_by_label("Current password").fill(PASSWORD)
        section.get_by_label("New password").fill(NEW_PASSWORD)
        section.get_by_role("button", name="Change password").click()
        expect(here.get_by_test_id("password-notice")).to_contain_text("password was changed")
        expect(here.get_by_test_id("sessions-section").get_by_test_id("session")).to_have_count(1)
        here.reload()
        expect(here.get_by_role("heading", name="Account", level=1)).to_be_visible()
        other.reload()
        expect(other).to_have_url(re.compile(r"/sign-in"))
        inbox.wait_for(email, LetterKind.PASSWORD_CHANGED)
