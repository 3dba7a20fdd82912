"""/docs and /redoc render in Chromium with no request leaving 127.0.0.1 and no CSP refusal."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.support import Api


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or parts.scheme


@pytest.mark.parametrize(
    ("page_path", "drawn"),
    [("/docs", ".swagger-ui .info .title"), ("/redoc", "redoc h1")],
)
def test_api_docs_render_offline(chromium: Browser, api: Api, page_path: str, drawn: str) -> None:
    base = str(api.http.base_url).rstrip("/")
    context = chromium.new_context()
    try:
        answered: set[str] = set()
        refusals: list[str] = []
        page = context.new_page()
        page.on("response", lambda response: answered.add(_host(response.url)))
        page.on(
            "requestfailed", lambda request: refusals.append(f"{request.url} {request.failure}")
        )
        page.on(
            "console",
            lambda message: refusals.append(message.text) if message.type == "error" else None,
        )
        page.goto(base + page_path)
        title = page.locator(drawn).first
        title.wait_for(timeout=20_000)
        assert "cinepass API" in title.inner_text()
        page.wait_for_load_state("networkidle")
        assert answered <= {"127.0.0.1", "data", "blob"}, answered
        # Redoc's sidebar shows Redocly's logo from their CDN: the CSP refuses it, nothing else.
        assert all("cdn.redoc.ly" in line for line in refusals), refusals
    finally:
        context.close()
