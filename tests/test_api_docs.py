"""/docs and /redoc work offline: every script, style and icon they load comes from the API
itself, and their Content-Security-Policy names no other host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support import Api

_KEYWORDS = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


class _References(HTMLParser):
    """Every URL a page loads (src, href) and the text of any inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "spec-url", "data-openapi"):
            if found.get(name):
                self.urls.append(str(found[name]))
        self._in_inline_script = tag == "script" and not found.get("src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.inline_scripts.append(data)


def _csp_sources(policy: str) -> set[str]:
    return {
        source
        for directive in policy.split(";")
        if directive.strip()
        for source in directive.split()[1:]
    }


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_only_from_the_api_itself(api: Api, page: str) -> None:
    r = api.http.get(page)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    sources = _csp_sources(r.headers["content-security-policy"])
    assert sources <= _KEYWORDS, f"the CSP allows more than this origin: {sources - _KEYWORDS}"
    assert "script-src 'self'" in r.headers["content-security-policy"]

    page_url = str(r.url)
    found = _References()
    found.feed(r.text)
    assert found.inline_scripts == [], "an inline script would need a hole in the CSP"
    scripts = [u for u in found.urls if u.endswith(".js")]
    assert scripts, r.text
    assert "/openapi.json" in found.urls
    for reference in found.urls:
        url = urljoin(page_url, reference)
        assert urlsplit(url).netloc == urlsplit(page_url).netloc, reference
        asset = api.http.get(url)
        assert asset.status_code == 200, (reference, asset.status_code)
    for script in scripts:
        text = api.http.get(urljoin(page_url, script)).text
        # The bundles name hosts in comments and licences; none is loaded from a CDN.
        assert not re.search(r"cdn\.jsdelivr\.net|unpkg\.com|fonts\.googleapis\.com/css", text), (
            script
        )
