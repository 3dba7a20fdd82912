"""`cinepass api`: run the API server."""

from __future__ import annotations

from typing import Annotated

import typer


def _log_level() -> str:
    from cinepass.config import get_settings

    return get_settings().log_level.lower()


def api(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Run the API server (migrate first with `cinepass db upgrade`)."""
    import uvicorn  # here rather than at the top: the other commands start faster without it

    uvicorn.run(
        "cinepass.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
        log_level=_log_level(),
    )


def web(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Run the render server (needs CINEPASS_API_URL and CINEPASS_PUBLIC_API_KEY)."""
    import uvicorn

    uvicorn.run(
        "cinepass.web.app:create_web_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
        log_level=_log_level(),
    )
