"""The API's /docs (Swagger UI) and /redoc pages, offline: their scripts and styles come from
the fastapi-offline package and are served by this server, under a same-origin CSP."""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

ASSETS_PATH = "/docs/assets"
# Nothing but this origin: no CDN, no inline script. Styles may be inline because Redoc
# (styled-components) writes <style> elements; Redoc's search runs in a worker made from a blob.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:;"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache"}

# Swagger UI is started by a same-origin script rather than FastAPI's inline one.
_SWAGGER_INIT = """\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
"""


def _assets() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon.png">\n'
        f"{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )
    return HTMLResponse(html, headers=_HEADERS)


def install_docs(app: FastAPI) -> None:
    """Add /docs, /redoc and their assets to an app built with docs_url=redoc_url=None."""
    title = f"{app.title} - documentation"
    openapi_url = escape(app.openapi_url or "/openapi.json")

    async def swagger_ui() -> HTMLResponse:
        return _page(
            title,
            f'<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">\n',
            f'<div id="swagger-ui" data-openapi="{openapi_url}"></div>\n'
            f'<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>\n'
            '<script src="/docs/swagger-init.js"></script>\n',
        )

    async def swagger_init() -> Response:
        return Response(_SWAGGER_INIT, media_type="text/javascript", headers=_HEADERS)

    async def redoc() -> HTMLResponse:
        return _page(
            title,
            "<style>body { margin: 0; padding: 0; }</style>\n",
            f'<redoc spec-url="{openapi_url}"></redoc>\n'
            f'<script src="{ASSETS_PATH}/redoc.standalone.js"></script>\n',
        )

    app.add_api_route("/docs", swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        "/docs/swagger-init.js", swagger_init, methods=["GET"], include_in_schema=False
    )
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)
    app.mount(ASSETS_PATH, StaticFiles(directory=_assets()), name="docs-assets")
