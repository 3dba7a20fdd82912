"""SECURITY.md section F, in Chromium, against a real OpenID provider (oidc-provider) on loopback.

The provider is on `localhost`, the render server on `127.0.0.1`: two sites, as in production,
so SameSite cookies behave as they would there.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cinepass.api import create_app
from cinepass.web.app import create_web_app
from tests.conftest import make_settings
from tests.oidc_provider.harness import running_provider
from tests.support import Api, LiveServer, free_port
from tests.web.conftest import Browser as HttpBrowser
from tests.web.conftest import new_cookie_key, web_settings

PASSWORD = "a local passphrase"
FLOW = "__Host-cinepass-oidc"
SESSION = "__Host-cinepass"
PROVIDER = "test-op"


@dataclass
class Stack:
    url: str
    issuer: str
    cookie_key: str
    marker: str
    owner_email: str
    api: Api

    def callback_prefix(self) -> str:
        return f"{self.url}/auth/oidc/{PROVIDER}/callback"


@pytest.fixture(scope="package")
def stack(api: Api, built_spa: Path) -> Iterator[Stack]:
    marker = uuid.uuid4().hex[:8]
    owner_email = f"owner-{marker}@example.com"
    api.sign_up(owner_email, PASSWORD, name="Olive Owner")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    accounts = [
        {"sub": f"ada-{marker}", "email": f"ada-{marker}@provider.example", "name": "Ada Lovelace"},
        {"sub": f"owner-{marker}", "email": owner_email, "name": "Olive Owner"},
        {"sub": f"eve-{marker}", "email": f"eve-{marker}@provider.example", "name": "Eve Attacker"},
    ]
    client = {
        "client_id": "cinepass-web",
        "client_secret": "a-client-secret",
        "redirect_uris": [f"{url}/auth/oidc/{PROVIDER}/callback"],
    }
    with running_provider([client], accounts, issuer_host="localhost") as op:
        trusting = make_settings(
            api.db.url,
            oidc={
                "trusted_issuers": [
                    {"issuer": op.issuer, "audiences": ["cinepass-web"], "provider": PROVIDER}
                ]
            },
        )
        with LiveServer(create_app(trusting)) as api_server:
            key = new_cookie_key()
            providers = [
                {
                    "id": PROVIDER,
                    "name": "Test OP",
                    "issuer": op.issuer,
                    "client_id": "cinepass-web",
                    "client_secret": "a-client-secret",
                },
                {
                    "id": "down-op",
                    "name": "Down OP",
                    "issuer": f"http://127.0.0.1:{dead}",
                    "client_id": "x",
                    "client_secret": "y",
                },
            ]
            settings = web_settings(
                api,
                port,
                built_spa,
                api={"url": api_server.url},
                web={"session_keys": [key]},
                oidc={"providers": providers},
            )
            with LiveServer(create_web_app(settings), port=port):
                yield Stack(url, op.issuer, key, marker, owner_email, api)


@pytest.fixture
def ctx(chromium: Browser, stack: Stack) -> Iterator[BrowserContext]:
    context = chromium.new_context(base_url=stack.url)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def provider_login(page: Page, login: str) -> None:
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def cookie(context: BrowserContext, name: str) -> str | None:
    found = [c["value"] for c in context.cookies() if c["name"] == name]
    return found[0] if found else None


def sessions(stack: Stack) -> int:
    return int(stack.api.db.scalar("SELECT count(*) FROM sessions"))


def test_signing_in_with_the_provider_creates_an_account_keyed_by_issuer_and_subject(
    ctx: BrowserContext, stack: Stack
) -> None:
    page = ctx.new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Test OP").click()
    provider_login(page, f"ada-{stack.marker}")
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("AL")
    rows = stack.api.db.query(
        "SELECT issuer, subject FROM identities WHERE subject = :s", s=f"ada-{stack.marker}"
    )
    assert rows == [(stack.issuer, f"ada-{stack.marker}")]
    assert cookie(ctx, FLOW) is None, "the flow cookie is spent"


def test_the_authorization_request_has_code_pkce_s256_fresh_state_nonce_and_exact_redirect(
    stack: Stack,
) -> None:
    seen = []
    for _ in range(2):
        with HttpBrowser(stack.url) as browser:
            r = browser.get(f"/auth/oidc/{PROVIDER}/login")
            assert r.status_code == 302
            query = parse_qs(urlsplit(r.headers["location"]).query)
            assert query["response_type"] == ["code"]
            assert query["code_challenge_method"] == ["S256"]
            assert len(query["code_challenge"][0]) == 43
            assert query["redirect_uri"] == [stack.callback_prefix()]
            assert "openid" in query["scope"][0].split()
            flow = next(h for h in r.headers.get_list("set-cookie") if h.startswith(FLOW + "="))
            lowered = flow.lower()
            assert "samesite=lax" in lowered
            assert "secure" in lowered
            assert "httponly" in lowered
            assert "max-age=600" in lowered
            seen.append((query["state"][0], query["nonce"][0]))
    assert seen[0][0] != seen[1][0]
    assert seen[0][1] != seen[1][1]
    assert all(len(state) >= 32 and len(nonce) >= 32 for state, nonce in seen)


def test_a_replayed_callback_is_400_and_sets_no_session(ctx: BrowserContext, stack: Stack) -> None:
    page = ctx.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"/auth/oidc/{PROVIDER}/login")
    provider_login(page, f"ada-{stack.marker}")
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    callback = next(u for u in seen if u.startswith(stack.callback_prefix()))
    ctx.clear_cookies()
    before = sessions(stack)
    response = page.goto(callback)
    assert response is not None
    assert response.status == 400
    assert cookie(ctx, SESSION) is None
    assert sessions(stack) == before


@pytest.mark.parametrize("change", ["missing", "altered"])
def test_a_callback_with_missing_or_altered_state_is_400_and_sets_no_session(
    ctx: BrowserContext, stack: Stack, change: str
) -> None:
    page = ctx.new_page()
    r = ctx.request.get(f"/auth/oidc/{PROVIDER}/login", max_redirects=0)
    state = parse_qs(urlsplit(r.headers["location"]).query)["state"][0]
    assert cookie(ctx, FLOW), "the flow is under way in this browser"
    params = {"code": "some-code", "iss": stack.issuer}
    if change == "altered":
        params["state"] = state[:-2] + ("xx" if not state.endswith("xx") else "yy")
    before = sessions(stack)
    response = page.goto(f"{stack.callback_prefix()}?{urlencode(params)}")
    assert response is not None
    assert response.status == 400
    assert cookie(ctx, SESSION) is None
    assert cookie(ctx, FLOW) is None, "a refused flow cannot be retried"
    assert sessions(stack) == before


def test_login_csrf_a_callback_opened_in_another_browser_is_rejected(
    chromium: Browser, stack: Stack
) -> None:
    """The attacker gets a fresh code and state for their own account and lures the victim,
    who may even be mid-sign-in themselves, to the callback: neither state is the victim's."""
    attacker = chromium.new_context(base_url=stack.url)
    page = attacker.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"/auth/oidc/{PROVIDER}/login")
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()
    # The attacker drops their own flow cookie, so their code is never spent at our server.
    attacker.clear_cookies(name=FLOW)
    provider_login(page, f"eve-{stack.marker}")
    page.wait_for_load_state()
    lure = next(u for u in seen if u.startswith(stack.callback_prefix()))
    attacker.close()

    for victim_started_a_sign_in in (False, True):
        victim = chromium.new_context(base_url=stack.url)
        if victim_started_a_sign_in:
            victim.request.get(f"/auth/oidc/{PROVIDER}/login", max_redirects=0)
            assert cookie(victim, FLOW)
        before = sessions(stack)
        response = victim.new_page().goto(lure)
        assert response is not None
        assert response.status == 400
        assert cookie(victim, SESSION) is None
        assert victim.request.get("/auth/session").json() == {"signedIn": False}
        assert sessions(stack) == before
        victim.close()


def _reseal_with_other_nonce(stack: Stack, value: str) -> str:
    key = AESGCM(base64.urlsafe_b64decode(stack.cookie_key + "=="))
    raw = base64.urlsafe_b64decode(value + "==")
    flow = json.loads(key.decrypt(raw[1:13], raw[13:], FLOW.encode()))
    flow["nonce"] = "not-the-nonce-the-provider-was-given-" + uuid.uuid4().hex
    nonce = b"\x00" * 11 + b"\x01"
    sealed = key.encrypt(nonce, json.dumps(flow).encode(), FLOW.encode())
    return base64.urlsafe_b64encode(b"\x01" + nonce + sealed).decode().rstrip("=")


def test_an_id_token_with_the_wrong_nonce_is_rejected(ctx: BrowserContext, stack: Stack) -> None:
    page = ctx.new_page()
    page.goto(f"/auth/oidc/{PROVIDER}/login")
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()
    flow = next(c for c in ctx.cookies() if c["name"] == FLOW)
    flow["value"] = _reseal_with_other_nonce(stack, flow["value"])
    ctx.add_cookies([flow])  # type: ignore[list-item]
    before = sessions(stack)
    provider_login(page, f"ada-{stack.marker}")
    expect(page).to_have_url(re.compile(r"/sign-in\?"))
    expect(page.get_by_test_id("form-error")).to_contain_text("refused")
    assert cookie(ctx, SESSION) is None
    assert sessions(stack) == before


def test_denied_consent_comes_back_to_sign_in_with_a_message(
    ctx: BrowserContext, stack: Stack
) -> None:
    page = ctx.new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Test OP").click()
    provider_login(page, "deny")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_test_id("form-error")).to_contain_text("not completed")
    assert cookie(ctx, SESSION) is None


def test_a_provider_that_is_down_comes_back_to_sign_in_with_a_message(
    ctx: BrowserContext, stack: Stack
) -> None:
    page = ctx.new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Down OP").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_test_id("form-error")).to_contain_text("unavailable")


def test_a_matching_email_never_signs_in_as_the_local_owner_until_they_link_it(
    ctx: BrowserContext, stack: Stack
) -> None:
    page = ctx.new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Test OP").click()
    provider_login(page, f"owner-{stack.marker}")
    expect(page.get_by_test_id("form-error")).to_contain_text("link")
    assert cookie(ctx, SESSION) is None

    page.get_by_label("Email", exact=True).fill(stack.owner_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    page.goto("/account")
    page.get_by_role("link", name="Link Test OP").click()
    if page.get_by_placeholder("Enter any login").is_visible():
        provider_login(page, f"owner-{stack.marker}")
    expect(page.get_by_test_id("account-notice")).to_be_visible()
    expect(page.get_by_test_id("identity")).to_have_count(1)

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_role("link", name="Sign in with Test OP").click()
    if page.get_by_placeholder("Enter any login").is_visible():
        provider_login(page, f"owner-{stack.marker}")
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    session = ctx.request.get("/auth/session").json()
    assert session["user"]["email"] == stack.owner_email
