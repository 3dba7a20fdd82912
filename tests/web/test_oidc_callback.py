"""Issue 8 items 7-8 through the render server: a sign-in flow works once and not for long, and
a provider's unverified email never opens an account. The stand-in provider redeems the same
authorization code as often as it is sent, as some providers do."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from cinepass.api import create_app
from cinepass.web.app import create_web_app
from cinepass.web.session_cookie import CookieSealer
from tests.conftest import make_settings
from tests.oidc.issuer import Issuer, running_issuer
from tests.support import Api, LiveServer, free_port
from tests.web.conftest import Browser, new_cookie_key, web_settings

FLOW = "__Host-cinepass-oidc"
PROVIDER = "stand-in"


@dataclass
class Flow:
    state: str
    nonce: str
    cookie: str


@dataclass
class Stack:
    url: str
    issuer: Issuer
    sealer: CookieSealer
    api: Api

    def start(self, browser: Browser, return_to: str = "/") -> Flow:
        r = browser.get(f"/auth/oidc/{PROVIDER}/login", params={"returnTo": return_to})
        assert r.status_code == 302, r.text
        query = parse_qs(urlsplit(r.headers["location"]).query)
        cookie = next(
            h.split(";", 1)[0].partition("=")[2]
            for h in r.headers.get_list("set-cookie")
            if h.startswith(FLOW + "=")
        )
        return Flow(query["state"][0], query["nonce"][0], cookie)

    def callback(self, browser: Browser, flow: Flow, code: str) -> httpx.Response:
        return browser.get(
            f"/auth/oidc/{PROVIDER}/callback",
            params={"code": code, "state": flow.state},
            headers={"cookie": f"{FLOW}={flow.cookie}"},
        )

    def code_for(self, flow: Flow, **claims: object) -> str:
        code = uuid.uuid4().hex
        self.issuer.codes[code] = self.issuer.id_token(nonce=flow.nonce, **claims)
        return code

    def sessions(self) -> int:
        return int(self.api.db.scalar("SELECT count(*) FROM sessions"))


@pytest.fixture
def stack(api: Api, web_static: Path) -> Iterator[Stack]:
    with running_issuer() as issuer:
        trusting = make_settings(
            api.db.url,
            oidc={
                "trusted_issuers": [
                    {"issuer": issuer.url, "audiences": [issuer.audience], "provider": PROVIDER}
                ]
            },
        )
        with LiveServer(create_app(trusting)) as api_server:
            port = free_port()
            key = new_cookie_key()
            provider = {
                "id": PROVIDER,
                "name": "Stand-in",
                "issuer": issuer.url,
                "client_id": issuer.audience,
                "client_secret": "a-client-secret",
            }
            settings = web_settings(
                api,
                port,
                web_static,
                api={"url": api_server.url},
                web={"session_keys": [key]},
                oidc={"providers": [provider]},
            )
            with LiveServer(create_web_app(settings), port=port) as server:
                yield Stack(server.url, issuer, CookieSealer([key]), api)


def _refused_without_a_session(r: httpx.Response, browser: Browser) -> None:
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"statusCode", "error", "message", "requestId"}
    assert browser.session_cookie is None


def test_a_replayed_callback_is_400_and_opens_no_session_even_if_the_provider_allows_it(
    stack: Stack,
) -> None:
    with Browser(stack.url) as victim, Browser(stack.url) as replayer:
        flow = stack.start(victim, return_to="/películas/ñandú")
        code = stack.code_for(flow, name="Añil Ñúñez 🎬")
        first = stack.callback(victim, flow, code)
        assert first.status_code == 303, first.text
        assert unquote(first.headers["location"]) == "/películas/ñandú"
        assert victim.session_cookie is not None
        before = stack.sessions()

        again = stack.callback(replayer, flow, code)
        _refused_without_a_session(again, replayer)
        assert stack.sessions() == before
        assert stack.issuer.redeemed == [code], "the replay never reached the provider"


@pytest.mark.parametrize("expiry", ["past", "missing"])
def test_a_sealed_flow_past_its_own_expiry_is_400_whatever_the_cookie_max_age(
    stack: Stack, expiry: str
) -> None:
    with Browser(stack.url) as browser:
        flow = stack.start(browser)
        data = stack.sealer.open_data(flow.cookie, FLOW)
        assert data is not None
        assert data["expires_at"] > time.time()
        if expiry == "past":
            data["expires_at"] = int(time.time()) - 1
        else:
            del data["expires_at"]
        stale = Flow(flow.state, flow.nonce, stack.sealer.seal_data(data, FLOW))
        before = stack.sessions()
        r = stack.callback(browser, stale, stack.code_for(flow))
        _refused_without_a_session(r, browser)
        assert stack.sessions() == before
        assert stack.issuer.redeemed == []


def test_a_provider_account_with_an_unverified_email_comes_back_to_sign_in_with_a_message(
    stack: Stack,
) -> None:
    email = f"dueña-{uuid.uuid4().hex[:8]}@example.com"
    with Browser(stack.url) as browser:
        flow = stack.start(browser)
        r = stack.callback(browser, flow, stack.code_for(flow, email=email, email_verified=False))
        assert r.status_code == 303, r.text
        target = urlsplit(r.headers["location"])
        assert target.path == "/sign-in"
        assert "not verified" in parse_qs(target.query)["error"][0]
        assert browser.session_cookie is None
    assert stack.api.db.scalar("SELECT count(*) FROM users WHERE email = :e", e=email) == 0
