"""API throughput and page latency on PostgreSQL: `python -m bench.api_throughput` (`make bench`).

Creates a throwaway database, migrates and seeds it, starts `cinepass api` as a separate
process, signs in over HTTP and drives it with wrk. See bench/README.md for what the
figures mean and the caveats.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench import cpu, database, wrk
from bench.server import ApiServer, ServerError
from cinepass.config import Settings
from cinepass.db import migrate

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
RATIO_AIM = 0.50
# A deep page may cost this much more than at the small catalogue and still count as flat.
FLAT_TOLERANCE = 1.5

# Wide enough for the result tables when the output is a file or a pipe.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)


# ----------------------------------------------------------------------------- arguments


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.api_throughput",
        description=(
            "Throughput of authenticated GET /api/movies against GET /health, and first/deep"
            " page latency as the catalogue grows, on a throwaway PostgreSQL database."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--movies", type=int, default=100_000, help="catalogue size for the throughput runs"
    )
    parser.add_argument(
        "--small-movies",
        type=int,
        default=1_000,
        help="the smaller catalogue the page latencies are compared with",
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per throughput run (wrk -d)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of unrecorded load before each run"
    )
    parser.add_argument(
        "--connections", type=int, default=64, help="concurrent connections (wrk -c)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (wrk -t)")
    parser.add_argument(
        "--page-duration",
        type=float,
        default=3.0,
        help="seconds per single-connection page latency run",
    )
    parser.add_argument(
        "--deep-page", type=int, default=40, help="page reached by following `next` cursors"
    )
    parser.add_argument("--limit", type=int, default=20, help="page size (?limit=)")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="uvicorn worker counts to measure throughput with; the first is the headline",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the benchmark database afterwards"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("CINEPASS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="an SQLAlchemy URL of a database on the server, used to create and drop the"
        " benchmark's own database (env: CINEPASS_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("var/bench/api_throughput.json"),
        help="where the results are written as JSON",
    )
    args = parser.parse_args(argv)
    if args.movies < 1 or args.small_movies < 1:
        parser.error("--movies and --small-movies must be positive")
    if args.small_movies > args.movies:
        parser.error("--small-movies cannot exceed --movies")
    if not 1 <= args.limit <= 100:
        parser.error("--limit must be between 1 and 100 (the API's maximum page size)")
    if args.small_movies <= args.limit:
        parser.error("--small-movies must be larger than --limit")
    if args.deep_page < 2:
        parser.error("--deep-page must be at least 2")
    if args.small_movies < args.deep_page * args.limit:
        parser.error("--small-movies must hold at least --deep-page full pages of --limit")
    if args.connections < 1 or args.threads < 1 or any(w < 1 for w in args.workers):
        parser.error("--connections, --threads and --workers must be positive")
    if args.duration < 1 or args.page_duration < 1:
        parser.error("--duration and --page-duration must be at least 1 second")
    args.workers = list(dict.fromkeys(args.workers))
    return args


# ----------------------------------------------------------------------------- results


@dataclass
class PageProbe:
    movies: int
    page: str
    description: str
    path: str
    result: wrk.WrkResult | None = None
    cpu: cpu.Usage | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movies": self.movies,
            "page": self.page,
            "description": self.description,
            "path": self.path,
            "wrk": self.result.to_json() if self.result else None,
            "cpu": self.cpu.to_json() if self.cpu else None,
        }


@dataclass
class Throughput:
    workers: int
    authenticated: wrk.WrkResult
    ceiling: wrk.WrkResult
    authenticated_cpu: cpu.Usage
    ceiling_cpu: cpu.Usage

    @property
    def ratio(self) -> float:
        return self.authenticated.requests_per_second / self.ceiling.requests_per_second

    def to_json(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "authenticated": {
                **self.authenticated.to_json(),
                "cpu": self.authenticated_cpu.to_json(),
            },
            "ceiling": {**self.ceiling.to_json(), "cpu": self.ceiling_cpu.to_json()},
            "ratio": round(self.ratio, 4),
        }


@dataclass
class Run:
    args: argparse.Namespace
    postgres_version: str
    busy_before_start: float
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seeding: dict[int, float] = field(default_factory=dict)
    pages: list[PageProbe] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)

    def probe(self, movies: int, page: str) -> PageProbe | None:
        return next((p for p in self.pages if p.movies == movies and p.page == page), None)

    def flatness(self) -> dict[str, Any]:
        small, large = self.args.small_movies, self.args.movies
        verdict: dict[str, Any] = {}
        for page in ("first", "deep", "last"):
            a, b = self.probe(small, page), self.probe(large, page)
            if a and b and a.result and b.result and a.result.p50_ms > 0:
                verdict[page] = {
                    f"p50_ms_at_{small}": a.result.p50_ms,
                    f"p50_ms_at_{large}": b.result.p50_ms,
                    "growth": round(b.result.p50_ms / a.result.p50_ms, 3),
                }
        return verdict

    def to_json(self) -> dict[str, Any]:
        a = self.args
        headline = self.throughput[0] if self.throughput else None
        return {
            "benchmark": "api_throughput",
            "started_at": self.started_at.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "machine": machine() | {"busy_cores_before_start": round(self.busy_before_start, 2)},
            "postgres_version": self.postgres_version,
            "versions": versions(),
            "settings": {
                "movies": a.movies,
                "small_movies": a.small_movies,
                "duration_s": a.duration,
                "warmup_s": a.warmup,
                "connections": a.connections,
                "wrk_threads": a.threads,
                "page_duration_s": a.page_duration,
                "deep_page": a.deep_page,
                "limit": a.limit,
                "workers": a.workers,
                "server": "cinepass api (uvicorn), separate process, on this machine",
                "load_generator": "wrk, on this machine",
            },
            "seeding_seconds": {str(k): round(v, 2) for k, v in self.seeding.items()},
            "throughput": [t.to_json() for t in self.throughput],
            "ratio": round(headline.ratio, 4) if headline else None,
            "ratio_aim": RATIO_AIM,
            "pages": [p.to_json() for p in self.pages],
            "page_latency_growth": self.flatness(),
        }


def machine() -> dict[str, Any]:
    memory = None
    if hasattr(os, "sysconf"):
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "cpus": os.cpu_count(),
        "memory_gib": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in ("cinepass", "fastapi", "starlette", "uvicorn", "uvloop", "httptools"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    try:
        done = subprocess.run(
            [wrk.wrk_path() or "wrk", "-v"], capture_output=True, text=True, check=False
        )
        found["wrk"] = (done.stdout or done.stderr).split()[1]
    except (OSError, IndexError):
        found["wrk"] = None
    return found


# ----------------------------------------------------------------------------- steps


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(base_url: str, admin: database.Admin) -> str:
    """POST /api/auth/sign-in with HTTP Basic and the API key, as a client would."""
    response = httpx.post(
        f"{base_url}/api/auth/sign-in",
        auth=(admin.email, admin.password),
        json={"apiKeyToken": admin.api_key},
        timeout=30,
    )
    if response.status_code != 200:
        raise ServerError(f"sign-in answered {response.status_code}: {response.text}")
    token: str = response.json()["token"]
    return token


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


def warn_unclean(result: wrk.WrkResult) -> None:
    if not result.clean:
        console.print(
            f"  [bold red]warning:[/] {result.non_2xx} non-2xx answers and"
            f" {result.socket_errors} socket errors for {result.url}; the figures are not valid"
        )


# Other programs using more CPU than this during a run disturb its figures.
BUSY_ELSEWHERE = 0.15


def warn_busy(used: cpu.Usage) -> None:
    if used.other > BUSY_ELSEWHERE:
        console.print(
            f"  [yellow]note:[/] other programs kept {used.other:.2f} cores busy during this"
            " run; its figures are disturbed"
        )


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
    admin = asyncio.run(database.provision(settings))
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


# ----------------------------------------------------------------------------- report


def _ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def cpu_cell(used: cpu.Usage) -> str:
    server = f"{used.server:.2f}"
    if len(used.workers) > 1:
        server += " (" + "+".join(f"{w:.2f}" for w in used.workers) + ")"
    other = f"{used.other:.2f}"
    if used.other > BUSY_ELSEWHERE:
        other = f"[yellow]{other}[/]"
    return f"{server} / {used.postgres:.2f} / {used.load_generator:.2f} / {other}"


def report(run: Run) -> None:
    a = run.args
    console.print()
    console.print(
        f"[bold]Throughput[/] at {a.movies:,} movies: wrk -t{a.threads} -c{a.connections}"
        f" -d{a.duration:g}s --latency (keep-alive), `cinepass api` (uvicorn); the server,"
        f" PostgreSQL and wrk share this machine's {os.cpu_count()} CPUs"
    )
    table = Table()
    table.add_column("endpoint")
    table.add_column("workers", justify="right")
    for name in ("req/s", "p50", "p99", "errors"):
        table.add_column(name, justify="right")
    table.add_column("CPU cores used: server\n/ postgres / wrk / other", justify="right")
    for t in run.throughput:
        for label, result, used in (
            (f"GET {list_path(a.limit)}\n(bearer token)", t.authenticated, t.authenticated_cpu),
            ("GET /health\n(no auth: ceiling)", t.ceiling, t.ceiling_cpu),
        ):
            table.add_row(
                label,
                str(t.workers),
                f"{result.requests_per_second:,.0f}",
                _ms(result.p50_ms),
                _ms(result.p99_ms),
                str(result.non_2xx + result.socket_errors),
                cpu_cell(used),
            )
        aim = "meets" if t.ratio >= RATIO_AIM else "[bold red]below[/]"
        table.add_row(
            "[bold]authenticated / ceiling[/]",
            str(t.workers),
            f"[bold]{t.ratio:.1%}[/]",
            f"{aim} the {RATIO_AIM:.0%} aim",
            end_section=True,
        )
    console.print(table)
    console.print(
        "[dim]CPU cores used: average cores busy during the run (1.00 = one core) in the API"
        " server (in brackets: per worker process), PostgreSQL, wrk and everything else on"
        " the machine (other programs disturb the figures). Uvicorn's workers"
        " share one listening socket and wrk opens its connections at once, so they may"
        " split unevenly between workers.[/]"
    )

    sizes = sorted({a.small_movies, a.movies})
    console.print()
    console.print(
        f"[bold]Page latency[/]: GET /api/movies?limit={a.limit} with a bearer token over one"
        f" connection (wrk -t1 -c1 -d{a.page_duration:g}s per cell), {a.workers[0]} worker(s)"
    )
    pages = Table()
    pages.add_column("page")
    for size in sizes:
        pages.add_column(f"p50\n{size:,}", justify="right")
        pages.add_column(f"p99\n{size:,}", justify="right")
    if len(sizes) == 2:
        pages.add_column("p50\ngrowth", justify="right")
    growth = run.flatness()
    disturbed = False
    labels = {
        "first": "first page",
        "deep": f"page {a.deep_page} (via `next`)",
        "last": "last page (cursor)",
    }
    for page in ("first", "deep", "last"):
        cells: list[str] = []
        for size in sizes:
            probe = run.probe(size, page)
            if probe and probe.result:
                mark = " [yellow]*[/]" if probe.cpu and probe.cpu.other > BUSY_ELSEWHERE else ""
                disturbed = disturbed or bool(mark)
                cells += [_ms(probe.result.p50_ms) + mark, _ms(probe.result.p99_ms) + mark]
            else:
                cells += ["-", "-"]
        if len(sizes) == 2:
            g = growth.get(page, {}).get("growth")
            cells.append(
                "-" if g is None else f"x{g:.2f}" + ("" if g <= FLAT_TOLERANCE else " [red]![/]")
            )
        pages.add_row(labels[page], *cells)
    console.print(pages)
    if disturbed:
        console.print(
            f"[yellow]*[/] other programs kept more than {BUSY_ELSEWHERE:g} cores busy during"
            " this run; its figures are disturbed"
        )
    console.print(
        f"[dim]growth: p50 at {sizes[-1]:,} / p50 at {sizes[0]:,} movies; flat means within"
        f" x{FLAT_TOLERANCE:g}. The last page holds the last {a.limit} movies of the title"
        " order, asked for with a cursor made from the movie before them. wrk is closed-loop:"
        " each connection waits for an answer before sending the next request. Expect a few %"
        " of run-to-run noise; see bench/README.md.[/]"
    )


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk.wrk_path() is None:
        console.print(f"[bold red]error:[/] {wrk.INSTALL_HINT}")
        return 2
    try:
        pg_version = asyncio.run(database.server_version(args.postgres_url))
    except Exception as exc:
        where = args.postgres_url.split("@")[-1]
        console.print(
            f"[bold red]error:[/] PostgreSQL is not reachable at {where}"
            f" ({type(exc).__name__}: {exc}).\n"
            "Start PostgreSQL, or point --postgres-url / CINEPASS_BENCH_POSTGRES_URL at a"
            " server where this user may CREATE DATABASE."
        )
        return 2

    idle_load = cpu.busy_cores(1.0)
    if idle_load > BUSY_ELSEWHERE:
        console.print(
            f"[yellow]note:[/] before starting, other programs keep {idle_load:.2f} of"
            f" {os.cpu_count()} cores busy; the figures will be lower and noisier than on an"
            " idle machine"
        )
    name = database.database_name()
    url = database.database_url(args.postgres_url, name)
    run = Run(args=args, postgres_version=pg_version, busy_before_start=idle_load)
    console.print(
        f"[bold]cinepass API benchmark[/]: PostgreSQL {pg_version}, database {name};"
        f" {os.cpu_count()} CPUs, Python {platform.python_version()}."
        " Server and wrk share this machine's CPUs."
    )
    asyncio.run(database.create_database(args.postgres_url, name))
    failed = False
    try:
        benchmark(run, url, args.output.parent / "api-server.log")
    except (ServerError, wrk.WrkError, httpx.HTTPError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        failed = True
    finally:
        if args.keep_db:
            console.print(f"kept the database: {url}")
        else:
            asyncio.run(database.drop_database(args.postgres_url, name))
            console.print(f"[dim]dropped the database {name}[/]")
    if failed:
        return 1

    report(run)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(run.to_json(), indent=2) + "\n")
    console.print(f"\nresults written to {args.output}")
    unclean = [p.result for p in run.pages if p.result and not p.result.clean] + [
        r for t in run.throughput for r in (t.authenticated, t.ceiling) if not r.clean
    ]
    if unclean:
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
