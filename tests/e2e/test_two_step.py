"""Two-step verification in a real browser: turned on from the account page, codes from pyotp,
recovery codes, and the "Confirm it's you" dialog for a sign-in older than 10 minutes."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import Web

NAME = "Begoña Íñiguez 🎬"
PASSWORD = "contraseña segura ñandú 🍿"


def code(secret: str, steps_ahead: int) -> str:
    """The app's code `steps_ahead` 30-second steps from now (the server allows one step)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def sign_in_with_password(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def enter_code(page: Page, value: str) -> None:
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(value)
    page.get_by_role("button", name="Verify").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_two_step_verification_from_the_account_page_to_sign_in_and_step_up(
    chromium: Browser, localhost_site: Web
) -> None:
    site = localhost_site
    email = f"begoña-{uuid.uuid4().hex[:6]}@ejemplo.es"
    site.api.sign_up(email, PASSWORD, name=NAME)
    context = chromium.new_context(base_url=site.url)
    context.set_default_timeout(15_000)
    page = context.new_page()

    sign_in_with_password(page, email)
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    page.goto("/account")
    section = page.get_by_test_id("two-step-section")
    section.get_by_role("button", name="Turn on two-step verification").click()
    qr = section.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;charset=utf-8,"))
    # The browser drew it: an SVG without its namespace loads as a broken image.
    qr.evaluate("img => img.decode()")
    assert qr.evaluate("img => img.naturalWidth") > 100
    secret = section.get_by_test_id("totp-secret").inner_text().strip()
    section.get_by_label("Code from the app").fill(code(secret, 0))
    section.get_by_role("button", name="Turn on", exact=True).click()
    codes = section.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    recovery = [c.strip() for c in codes.all_inner_texts()]
    expect(section.get_by_role("button", name="Download codes")).to_be_visible()
    with page.expect_download() as download:
        section.get_by_role("button", name="Download codes").click()
    assert recovery[0] in download.value.path().read_text()
    section.get_by_role("button", name="I've saved them").click()
    expect(section.get_by_test_id("two-step-status")).to_contain_text("10 recovery codes left")

    # Password, then the app's code.
    sign_out(page)
    sign_in_with_password(page, email)
    enter_code(page, code(secret, 1))
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("B🎬")

    # A recovery code works once.
    sign_out(page)
    sign_in_with_password(page, email)
    enter_code(page, recovery[0])
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    sign_out(page)
    sign_in_with_password(page, email)
    enter_code(page, recovery[0])
    expect(page.get_by_test_id("form-error")).to_contain_text("wrong or was already used")
    enter_code(page, recovery[1])
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()

    # Ten minutes on, a change asks to confirm it's you, then goes through.
    site.api.db.query(
        "UPDATE sessions SET created_at = :at WHERE user_id = (SELECT id FROM users"
        " WHERE email = :email)",
        at=site.api.db.moment(datetime.now(UTC) - timedelta(minutes=11)),
        email=email,
    )
    page.wait_for_timeout(2_500)  # the access token ends; the next carries the old sign-in time
    page.goto("/account")
    section = page.get_by_test_id("two-step-section")
    section.get_by_label("Code for new recovery codes").fill(recovery[2])
    section.get_by_role("button", name="Make new recovery codes").click()
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    dialog.get_by_label("Code", exact=True).fill(recovery[3])
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(dialog).to_be_hidden()
    fresh = section.get_by_test_id("recovery-codes").locator("li")
    expect(fresh).to_have_count(10)
    assert not set(fresh.all_inner_texts()) & set(recovery)
    context.close()
