"""The benchmark's steps: provision, seed, check a page, and drive the server with wrk."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import cpu, database, wrk
from bench.api_throughput.results import PageProbe, Run, Throughput
from bench.report import console, warn_busy, warn_unclean
from bench.server import ApiServer, ServerError
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.provisioning import sign_in as sign_in_over_http
from cinepass.users.models import Role


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(base_url: str, client: database.Client) -> str:
    """POST /api/auth/sign-in with HTTP Basic and the API key, as a client would."""
    return asyncio.run(sign_in_over_http(base_url, client.account, client.api_key)).token


def list_path(limit: int, cursor: str | None = None) -> str:
    params: dict[str, str | int] = {"limit": limit}
    if cursor:
        params["cursor"] = cursor
    return f"/api/movies?{urlencode(params)}"


def check_page(http: httpx.Client, path: str, limit: int, *, full: bool = True) -> dict[str, Any]:
    """GET a page and check the answer, so that wrk is never timing error responses."""
    response = http.get(path)
    if response.status_code != 200:
        raise ServerError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = response.json()
    if not body["data"] or (full and len(body["data"]) != limit):
        raise ServerError(f"GET {path} listed {len(body['data'])} movies, expected {limit}")
    return body


def seed(run: Run, url: str, wanted: int) -> None:
    present = asyncio.run(database.movie_count(url))
    todo = max(wanted - present, 0)
    started = time.perf_counter()
    with Progress(
        TextColumn(f"seeding {wanted:,} movies"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task("seed", total=todo)
        added = asyncio.run(
            database.seed(url, wanted, "http://127.0.0.1:8000", lambda n: progress.advance(task, n))
        )
    asyncio.run(database.analyze(url))
    elapsed = time.perf_counter() - started
    run.seeding[wanted] = elapsed
    console.print(
        f"  catalogue: {present + added:,} movies ({added:,} added by bulk INSERT in"
        f" {elapsed:.1f}s, then VACUUM ANALYZE)"
    )


def probe_pages(run: Run, server: ApiServer, url: str, token: str, movies: int) -> None:
    """p50 of one connection asking for the first, a deep and the last page, with wrk -c1."""
    limit, deep = run.args.limit, run.args.deep_page
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=30) as http:
        first = path = list_path(limit)
        body = check_page(http, first, limit)
        page = 1
        while page < deep and body["next"]:
            path = list_path(limit, body["next"])
            body = check_page(http, path, limit, full=False)
            page += 1
        deep_path = path
        cursor, count = asyncio.run(database.cursor_before_last_page(url, limit))
        last = list_path(limit, cursor)
        if check_page(http, last, limit)["next"] is not None:
            raise ServerError("the last page's answer has a `next` cursor")
    probes = [
        PageProbe(movies, "first", "first page, no cursor", first),
        PageProbe(
            movies, "deep", f"page {page}, reached by following `next` {page - 1} times", deep_path
        ),
        PageProbe(
            movies,
            "last",
            f"last page (movies {count - limit + 1:,}-{count:,} of the title order)",
            last,
        ),
    ]
    for probe in probes:
        console.print(f"  wrk -t1 -c1 -d{run.args.page_duration:g}s  {probe.description}")
        before = cpu.sample(server.pid)
        probe.result = wrk.run(
            server.url + probe.path,
            connections=1,
            threads=1,
            duration_s=run.args.page_duration,
            headers=bearer(token),
        )
        probe.cpu = cpu.usage(before, cpu.sample(server.pid))
        warn_unclean(probe.result)
        warn_busy(probe.cpu)
    run.pages += probes


def load(
    run: Run, server: ApiServer, path: str, headers: dict[str, str] | None
) -> tuple[wrk.WrkResult, cpu.Usage]:
    a = run.args
    shown = "-H 'Authorization: Bearer …' " if headers else ""
    console.print(
        f"  wrk -t{a.threads} -c{a.connections} -d{a.duration:g}s --latency {shown}{path}"
        f"  [dim](after {a.warmup:g}s warm-up)[/]"
    )
    if a.warmup > 0:
        wrk.run(
            server.url + path,
            connections=a.connections,
            threads=a.threads,
            duration_s=a.warmup,
            headers=headers,
        )
    before = cpu.sample(server.pid)
    result = wrk.run(
        server.url + path,
        connections=a.connections,
        threads=a.threads,
        duration_s=a.duration,
        headers=headers,
    )
    used = cpu.usage(before, cpu.sample(server.pid))
    warn_unclean(result)
    warn_busy(used)
    return result, used


def measure_throughput(run: Run, server: ApiServer, token: str) -> None:
    path = list_path(run.args.limit)
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=30) as http:
        check_page(http, path, run.args.limit)
    authenticated, authenticated_cpu = load(run, server, path, bearer(token))
    ceiling, ceiling_cpu = load(run, server, "/health", None)
    run.throughput.append(
        Throughput(server.workers, authenticated, ceiling, authenticated_cpu, ceiling_cpu)
    )


def benchmark(run: Run, url: str, log_path: Path) -> None:
    a = run.args
    settings = Settings.model_validate({"database": {"url": url}, "logging": {"level": "WARNING"}})
    console.print("[bold]1. database[/]")
    migrate.upgrade(settings)
    admin = asyncio.run(database.provision(settings, preset="admin", role=Role.ADMIN))
    console.print("  migrated; admin API key and admin user created through the services")

    first_workers, *other_workers = a.workers
    server = ApiServer(url, workers=first_workers, log_path=log_path)
    try:
        server.start()
        console.print(
            f"  API server: `cinepass api --workers {first_workers}` (uvicorn) as pid"
            f" {server.pid} on {server.url}; log: {log_path}"
        )
        token = sign_in(server.url, admin)
        console.print("  signed in over HTTP (POST /api/auth/sign-in) for a bearer token")
        for step, movies in enumerate(sorted({a.small_movies, a.movies}), start=2):
            console.print(f"[bold]{step}. page latency at {movies:,} movies[/]")
            seed(run, url, movies)
            probe_pages(run, server, url, token, movies)
        console.print(
            f"[bold]{step + 1}. throughput at {a.movies:,} movies,"
            f" {first_workers} uvicorn worker{'s' if first_workers > 1 else ''}[/]"
        )
        measure_throughput(run, server, token)
    finally:
        server.stop()
    for extra, workers in enumerate(other_workers, start=step + 2):
        console.print(f"[bold]{extra}. throughput at {a.movies:,} movies, {workers} workers[/]")
        with ApiServer(url, workers=workers, log_path=log_path) as more:
            measure_throughput(run, more, sign_in(more.url, admin))
