"""Passkeys in a real browser: Chromium's virtual authenticator (over CDP) on http://localhost."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect

from tests.web.conftest import Web

NAME = "Íñigo Muñoz 🎬"
PASSWORD = "contraseña de Íñigo ñandú 🍿"
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def with_authenticator(context: BrowserContext, page: Page) -> tuple[CDPSession, str]:
    """A platform authenticator (Touch ID, say) for `page`; its id, for reading its passkeys."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return cdp, str(added["authenticatorId"])


def stored_passkeys(cdp: CDPSession, authenticator: str) -> list[dict[str, object]]:
    credentials: list[dict[str, object]] = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator}
    )["credentials"]
    return credentials


# Chromium's virtual authenticator answers an autofill (conditional) request by itself, racing
# the button: this browser says it has no passkey autofill, so the button is what signs in.
NO_AUTOFILL = """
if (window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = async () => false;
}
"""


@pytest.fixture
def localhost_context(chromium: Browser, localhost_site: Web) -> Iterator[BrowserContext]:
    ctx = chromium.new_context(base_url=localhost_site.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    ctx.add_init_script(NO_AUTOFILL)
    yield ctx
    ctx.close()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_a_spanish_user_adds_a_passkey_signs_in_with_it_alone_and_removes_it(
    chromium: Browser, localhost_context: BrowserContext, localhost_site: Web
) -> None:
    page = localhost_context.new_page()
    cdp, authenticator = with_authenticator(localhost_context, page)
    email = f"íñigo.muñoz-{uuid.uuid4().hex[:6]}@ejemplo.es"

    page.goto("/sign-up")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("link-sent")).to_contain_text(email)

    page.goto("/sign-in")
    email_field = page.get_by_label("Email", exact=True)
    expect(email_field).to_have_attribute("autocomplete", "username webauthn")
    email_field.fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Í🎬")

    page.goto("/account")
    section = page.get_by_test_id("passkeys-section")
    expect(section).to_contain_text("You have no passkeys yet.")
    section.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_test_id("passkeys-notice")).to_contain_text("added")
    expect(section.get_by_test_id("passkey")).to_have_count(1)
    expect(section.get_by_test_id("passkey")).to_contain_text("Never used")
    (stored,) = stored_passkeys(cdp, authenticator)
    assert stored["isResidentCredential"] is True

    section.get_by_role("button", name=re.compile(r"^Rename ")).click()
    section.get_by_label("Passkey name").fill("Portátil de Íñigo 🎬")
    section.get_by_role("button", name="Save").click()
    expect(section.get_by_test_id("passkey-name")).to_have_text("Portátil de Íñigo 🎬")

    # Another browser, whose authenticator holds no passkey of this site, cannot use it.
    stranger = chromium.new_context(base_url=localhost_site.url)
    try:
        other = stranger.new_page()
        with_authenticator(stranger, other)
        other.goto("/sign-in")
        other.get_by_role("button", name="Sign in with a passkey").click()
        expect(other.get_by_test_id("form-error")).to_contain_text("no passkey for cinepass")
        expect(other.get_by_role("button", name="Account menu")).to_have_count(0)
        expect(other).to_have_url(re.compile(r"/sign-in$"))
        assert not [c for c in stranger.cookies() if c["name"] == "__Host-cinepass"]
    finally:
        stranger.close()

    sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Í🎬")

    page.goto("/account")
    section = page.get_by_test_id("passkeys-section")
    expect(section.get_by_test_id("passkey")).not_to_contain_text("Never used")
    section.get_by_role("button", name="Remove Portátil de Íñigo 🎬").click()
    expect(page.get_by_test_id("passkeys-notice")).to_contain_text("removed")
    expect(section.get_by_test_id("passkey")).to_have_count(0)

    # The passkey is gone from the account: the authenticator's copy signs no one in.
    sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("passkey sign-in failed")
    expect(page.get_by_role("button", name="Account menu")).to_have_count(0)


def test_the_email_fields_autofill_signs_in_with_a_passkey(
    chromium: Browser, localhost_site: Web
) -> None:
    email = f"ana.núñez-{uuid.uuid4().hex[:6]}@ejemplo.es"
    localhost_site.api.sign_up(email, PASSWORD, name="Ana Núñez")
    context = chromium.new_context(base_url=localhost_site.url)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        with_authenticator(context, page)
        page.goto("/sign-in")
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("button", name="Account menu")).to_be_visible()
        page.goto("/account")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_test_id("passkeys-notice")).to_contain_text("added")
        sign_out(page)
        # No click: the browser offers the passkey for the email field (here, the virtual
        # authenticator picks it), and the page signs in.
        expect(page.get_by_role("button", name="Account menu")).to_contain_text(
            "AN", timeout=30_000
        )
    finally:
        context.close()


def test_passkey_autofill_failing_on_its_own_says_nothing(context: BrowserContext) -> None:
    """On an IP address (this site is http://127.0.0.1) WebAuthn is refused: the autofill request
    the page makes by itself fails, and must not replace what the page says (here a provider's
    error, as the render server's redirect carries it)."""
    page = context.new_page()
    with page.expect_response("**/auth/passkey/options") as options:
        page.goto("/sign-in?error=" + "El proveedor no está disponible ñ")
    assert options.value.status == 200
    # Give the browser's refusal time to reach the page.
    page.wait_for_timeout(1000)
    expect(page.get_by_test_id("form-error")).to_have_text("El proveedor no está disponible ñ")
