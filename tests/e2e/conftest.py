"""End-to-end: the built SPA in Debian's Chromium, driven by Playwright, against real servers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from cinepass.api import create_app
from cinepass.web.app import create_web_app
from tests import support
from tests.conftest import make_settings
from tests.support import Api, LiveServer, free_port, unavailable
from tests.web.conftest import Web, serve_api_and_web, web_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = (
        os.environ.get("CINEPASS_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    if not Path(path).exists():
        unavailable("Chromium", "install Debian's chromium package, or set CINEPASS_TEST_CHROMIUM")
    return path


@pytest.fixture(scope="package")
def built_spa() -> Path:
    return support.built_spa()


@pytest.fixture(scope="package")
def playwright(api: Api) -> Iterator[Playwright]:
    # After the database and API fixtures, and only for this package: Playwright's sync API
    # keeps an event loop running in this thread, and migrations want one of their own.
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def site(api: Api, built_spa: Path) -> Iterator[Web]:
    """The render server serving the real build, in front of the suite's API."""
    port = free_port()
    app = create_web_app(web_settings(api, port, built_spa))
    with LiveServer(app, port=port) as server:
        yield Web(url=server.url, http=api.http, api=api)


@pytest.fixture(scope="package")
def short_lived_site(api: Api, built_spa: Path) -> Iterator[Web]:
    """A second API whose access tokens live 2 seconds, and a render server in front of it."""
    with serve_api_and_web(api, built_spa, tokens={"access_ttl_seconds": 2}) as web:
        yield web


@pytest.fixture(scope="package")
def localhost_site(api: Api, built_spa: Path) -> Iterator[Web]:
    """An API and a render server for http://localhost:PORT: WebAuthn wants a domain (the RP ID
    "localhost"), never an IP address. Access tokens live 2 seconds, so that a sign-in made
    stale in the database reaches the next token soon."""
    port = free_port()
    origin = f"http://localhost:{port}"
    api_settings = make_settings(
        api.db.url, web={"origin": origin}, tokens={"access_ttl_seconds": 2}
    )
    with LiveServer(create_app(api_settings)) as api_server:
        settings = web_settings(
            api, port, built_spa, api={"url": api_server.url}, web={"origin": origin}
        )
        with LiveServer(create_web_app(settings), port=port):
            yield Web(url=origin, http=api.http, api=api)


@pytest.fixture
def context(chromium: Browser, site: Web) -> Iterator[BrowserContext]:
    ctx = chromium.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()
