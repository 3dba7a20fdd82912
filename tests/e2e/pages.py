"""What the e2e tests check on every page: axe-core's audit, where requests go, screenshots."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.movies import demo
from cinepass.movies import service as movies_service
from cinepass.web.app import create_web_app
from tests.conftest import make_settings, provision
from tests.e2e.conftest import ARTIFACTS
from tests.support import LiveServer, backoffice, free_port, postgres_database, run, unavailable
from tests.web.conftest import Web, web_settings

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 390, "height": 844}}


def settle(page: Page) -> None:
    """Wait until the page has loaded what it shows: no request in flight, no skeleton left."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    if not AXE.exists():
        unavailable("axe-core", "run `make frontend` (npm ci installs it)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


class Hosts:
    """Every host a page asked anything of (documents, scripts, images, media, fetches)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def watch(self, page: Page) -> None:
        page.on("request", lambda request: self.record(request.url))

    def record(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        self.seen.setdefault(parts.hostname or "", url)

    def outside(self) -> dict[str, str]:
        return {host: url for host, url in self.seen.items() if host != "127.0.0.1"}


@contextlib.contextmanager
def fresh_database(like: str) -> Iterator[str]:
    """An empty database of the same kind as the suite's (SQLite or PostgreSQL)."""
    if like.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{folder}/seeded.db"
    else:
        with postgres_database() as url:
            yield url


def seed(settings: Settings, public_url: str) -> None:
    async def work(events: object, db: Any) -> None:
        films = list(demo.demo_movies(len(demo.curated()), public_url, set()))
        await movies_service.create_many(db, films)
        await db.commit()

    backoffice(settings, work)


@contextlib.contextmanager
def seeded_site(like: str, built_spa: Path) -> Iterator[Web]:
    """The app as `make run` leaves it: a fresh database with the demo catalogue, its posters
    (and media) on the render server's own address, an API and a render server."""
    with fresh_database(like) as url:
        web_port = free_port()
        web_url = f"http://127.0.0.1:{web_port}"
        settings = make_settings(url, api={"public_url": web_url}, web={"origin": web_url})
        # Alembic runs its own event loop: not in this thread, where Playwright's runs.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(migrate.upgrade, settings).result()
        accounts = run(provision(settings))
        seed(settings, web_url)
        with (
            LiveServer(create_app(settings)) as api_server,
            httpx.Client(base_url=api_server.url, timeout=30) as http,
        ):
            api = accounts.api(http, url)
            web = web_settings(api, web_port, built_spa, api={"public_url": web_url})
            with LiveServer(create_web_app(web), port=web_port):
                yield Web(url=web_url, http=http, api=api)
