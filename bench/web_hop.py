"""What the render server's hop costs: `GET /api/movies?limit=20` through it vs straight to the API.

Prints, for PostgreSQL: throughput at 64 connections both ways and their ratio, and the p50 at
one connection both ways and the difference (the hop's added latency). Run: `make bench`, or
`.venv/bin/python -m bench.web_hop --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table

from bench import database, results, wrk
from bench.report import console, error, ms, warn_unclean
from bench.server import ApiServer, ServerError, WebServer
from cinepass.client.client import ApiError
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.provisioning import sign_in
from cinepass.users.models import Role

OUT = Path("var/bench")
PATH = "/api/movies?limit=20"
COOKIE = "__Host-cinepass"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.web_hop",
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--movies", type=int, default=1000, help="catalogue size")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="connections of the loaded run")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CINEPASS_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database URL on the server where the benchmark may CREATE DATABASE"
        " (env: CINEPASS_BENCH_POSTGRES_URL)",
    )
    return parser.parse_args(argv)


def _cookie(web: WebServer, client: database.Client) -> str:
    r = httpx.post(
        f"{web.url}/auth/sign-in",
        json={"email": client.account.email, "password": client.account.password},
        headers={"X-Cinepass-CSRF": "1", "Origin": web.url},
    )
    r.raise_for_status()
    for header in r.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE:
            return rest.split(";", 1)[0]
    raise ServerError("the render server set no session cookie")


def measure(args: argparse.Namespace) -> dict[str, dict[str, wrk.WrkResult]]:
    """For the API and the render server: a run at `--connections` and one at 1 connection."""
    admin_url = args.postgres
    name = database.database_name()
    url = database.database_url(admin_url, name)
    asyncio.run(database.create_database(admin_url, name))
    try:
        settings = Settings(database={"url": url})
        migrate.upgrade(settings)
        console.print(f"seeding {args.movies} movies…")
        asyncio.run(database.seed(url, args.movies, "http://127.0.0.1", lambda n: None))
        viewer = asyncio.run(database.provision(settings, preset="web", role=Role.USER))
        with (
            ApiServer(url, workers=1, log_path=OUT / "web-hop-api.log") as api,
            WebServer(api.url, viewer.api_key, OUT / "web-hop-web.log") as web,
        ):
            token = asyncio.run(sign_in(api.url, viewer.account, viewer.api_key)).token
            direct = {"Authorization": f"Bearer {token}"}
            hop = {"Cookie": f"{COOKIE}={_cookie(web, viewer)}"}
            for target, headers in ((api.url, direct), (web.url, hop)):
                checked = httpx.get(target + PATH, headers=headers)
                if checked.status_code != 200:
                    raise ServerError(f"GET {target + PATH} answered {checked.status_code}")
                wrk.run(target + PATH, connections=8, threads=2, duration_s=2, headers=headers)
            measured: dict[str, dict[str, wrk.WrkResult]] = {}
            for label, target, headers in (("api", api.url, direct), ("web", web.url, hop)):
                console.print(f"{label}: {args.connections} connections, {args.duration:g} s…")
                loaded = wrk.run(
                    target + PATH,
                    connections=args.connections,
                    threads=2,
                    duration_s=args.duration,
                    headers=headers,
                )
                console.print(f"{label}: 1 connection, {args.duration:g} s…")
                single = wrk.run(
                    target + PATH,
                    connections=1,
                    threads=1,
                    duration_s=args.duration,
                    headers=headers,
                )
                for result in (loaded, single):
                    warn_unclean(result)
                measured[label] = {"loaded": loaded, "single": single}
        return measured
    finally:
        asyncio.run(database.drop_database(admin_url, name))


def report(measured: dict[str, dict[str, wrk.WrkResult]], connections: int) -> dict[str, float]:
    api, web = measured["api"], measured["web"]
    ratio = web["loaded"].requests_per_second / api["loaded"].requests_per_second
    added = web["single"].p50_ms - api["single"].p50_ms
    table = Table(title=f"GET {PATH}: through the render server vs straight to the API")
    table.add_column("path")
    table.add_column(f"req/s ({connections} conn)", justify="right")
    table.add_column(f"p50 / p99 ({connections} conn)", justify="right")
    table.add_column("p50 (1 conn)", justify="right")
    for label, row in (("API directly", api), ("render server -> API", web)):
        table.add_row(
            label,
            f"{row['loaded'].requests_per_second:.0f}",
            f"{ms(row['loaded'].p50_ms)} / {ms(row['loaded'].p99_ms)}",
            ms(row["single"].p50_ms),
        )
    console.print(table)
    console.print(f"throughput ratio (render server / API): [bold]{ratio:.2f}[/]")
    console.print(f"added p50 at one connection: [bold]{ms(added)}[/] (aim: < 1.5 ms)")
    console.print(
        "[dim]One machine: wrk, both servers and PostgreSQL share its cores; the ratio is "
        "the figure to compare across machines.[/]"
    )
    return {"throughput_ratio": ratio, "added_p50_ms": added}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk.wrk_path() is None:
        error(wrk.INSTALL_HINT)
        return 2
    started_at = datetime.now(UTC)
    try:
        measured = measure(args)
    except (ServerError, wrk.WrkError, httpx.HTTPError, ApiError) as exc:
        error(str(exc))
        return 1
    summary = report(measured, args.connections)
    figures: dict[str, Any] = {
        label: {kind: result.to_json() for kind, result in runs.items()}
        for label, runs in measured.items()
    }
    results.write(
        OUT / "web_hop.json",
        results.header("web_hop", started_at, datetime.now(UTC)) | figures | summary,
    )
    console.print(f"[dim]figures written to {OUT / 'web_hop.json'}[/]")
    if results.unclean(r for runs in measured.values() for r in runs.values()):
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
