"""`cinepass api` and `cinepass web`: run the API server or the render server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Host = Annotated[str, typer.Option(help="Interface to listen on")]
Workers = Annotated[int, typer.Option(help="Worker processes")]
Quiet = Annotated[
    bool, typer.Option(help="Only uvicorn's warnings and errors (the app's own log is as set)")
]
AccessLog = Annotated[
    bool,
    typer.Option(
        "--access-log", help="Log every request (media URLs' signatures are shown redacted)"
    ),
]


def _serve(
    factory: str, host: str, port: int, workers: int, *, quiet: bool, access_log: bool
) -> None:
    # Imported here rather than at the top: the other commands start faster without them.
    import uvicorn

    from cinepass.cli.runtime import load_settings
    from cinepass.http_protocol import uvicorn_http_options

    address = load_settings().observability.metrics_address
    _serve_metrics(address, factory, port, workers, quiet=quiet)
    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        # Only the app decides whose X-Forwarded-For to believe (CINEPASS_TRUSTED_PROXIES).
        proxy_headers=False,
        log_level="warning" if quiet else load_settings().logging.level.lower(),
        # A worker answers the supervisor's health check only once it has imported cinepass:
        # seconds on a busy machine, past which uvicorn's default (5 s) kills it, again and again.
        timeout_worker_healthcheck=30,
        **uvicorn_http_options(),
    )


def _serve_metrics(
    address: str | None, factory: str, port: int, workers: int, *, quiet: bool
) -> None:
    """Answer scrapes at `address`, from this process. With several workers this one serves no
    request: each worker writes its numbers under PROMETHEUS_MULTIPROC_DIR (emptied first) and
    the scrape sums them."""
    if address is None:
        return
    from cinepass.cli.runtime import console
    from cinepass.metrics import listener

    multiprocess = workers > 1
    if multiprocess:
        server = factory.partition(".")[2].partition(":")[0] or "server"
        listener.prepare_multiprocess(Path("var/metrics") / f"{server}-{port}")
    try:
        listener.serve(address, multiprocess=multiprocess)
    except OSError as exc:
        from cinepass.cli.runtime import fail

        fail(f"cannot listen for metrics on {address}: {exc.strerror or exc}")
    if not quiet:
        console.print(f"metrics: http://{address}/metrics", soft_wrap=True, highlight=False)


def api(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Workers = 1,
    quiet: Quiet = False,
    access_log: AccessLog = False,
) -> None:
    """Run the API server (migrate first with `cinepass db upgrade`)."""
    from cinepass.cli.keys import require_readable_keys

    require_readable_keys()
    _serve("cinepass.api:create_app", host, port, workers, quiet=quiet, access_log=access_log)


def web(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8080,
    workers: Workers = 1,
    quiet: Quiet = False,
    access_log: AccessLog = False,
) -> None:
    """Run the render server (needs CINEPASS_API_URL and CINEPASS_PUBLIC_API_KEY)."""
    _serve(
        "cinepass.web.app:create_web_app", host, port, workers, quiet=quiet, access_log=access_log
    )
