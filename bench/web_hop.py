"""What the render server's hop costs: `GET /api/movies?limit=20` through it vs straight to the API.

Prints, for PostgreSQL: throughput at 64 connections both ways and their ratio, and the p50 at
one connection both ways and the difference (the hop's added latency). Run: `make bench`, or
`.venv/bin/python -m bench.web_hop --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from rich.table import Table

from bench import database, drive, options, results, stage, verdicts, wrk
from bench.lock import held
from bench.report import console, error, ms
from bench.server import ApiServer, ServerError, WebServer
from cinepass.client.client import ApiError
from cinepass.provisioning import sign_in
from cinepass.users.models import Role

PATH = "/api/movies?limit=20"
COOKIE = "__Host-cinepass"


THROUGHPUT_AIM, ADDED_P50_AIM = ">= 0.8", "< 1.0"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = options.parser("bench.web_hop", __doc__, duration=8.0)
    parser.add_argument("--movies", type=int, default=1000, help="catalogue size")
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


def measure(args: argparse.Namespace) -> dict[str, dict[str, drive.Measured]]:
    """For the API and the render server: a run at `--connections` and one at 1 connection.
    The load is read for the API's process tree: the render server counts as "other"."""
    with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
        stage.grow(url, args.movies)
        viewer = stage.client(url, preset="web", role=Role.USER)
        with (
            held("web hop"),
            ApiServer(url, workers=1, log_path=args.out / "web-hop-api.log") as api,
            WebServer(api.url, viewer.api_key, args.out / "web-hop-web.log") as web,
            ApiServer(
                url, workers=1, log_path=args.out / "web-hop-bare.log", forward_to=api.url
            ) as bare,
        ):
            token = asyncio.run(sign_in(api.url, viewer.account, viewer.api_key)).token
            direct = {"Authorization": f"Bearer {token}"}
            hop = {"Cookie": f"{COOKIE}={_cookie(web, viewer)}"}
            for target, headers in ((api.url, direct), (web.url, hop), (bare.url, direct)):
                checked = httpx.get(target + PATH, headers=headers)
                if checked.status_code != 200:
                    raise ServerError(f"GET {target + PATH} answered {checked.status_code}")
                wrk.run(target + PATH, connections=8, threads=2, duration_s=2, headers=headers)
            measured: dict[str, dict[str, drive.Measured]] = {}
            runs = (("api", api.url, direct), ("web", web.url, hop), ("bare", bare.url, direct))
            for label, target, headers in runs:
                measured[label] = {
                    kind: drive.run(
                        f"{label}, {connections} connection(s)",
                        api.pid,
                        target + PATH,
                        connections=connections,
                        threads=args.threads,
                        duration=args.duration,
                        headers=headers,
                    )
                    for kind, connections in (("loaded", args.connections), ("single", 1))
                }
        return measured


def report(measured: dict[str, dict[str, drive.Measured]], connections: int) -> dict[str, float]:
    api = {k: m.result for k, m in measured["api"].items()}
    web = {k: m.result for k, m in measured["web"].items()}
    bare = {k: m.result for k, m in measured["bare"].items()}
    ratio = web["loaded"].requests_per_second / api["loaded"].requests_per_second
    ceiling = bare["loaded"].requests_per_second / api["loaded"].requests_per_second
    added = web["single"].p50_ms - api["single"].p50_ms
    table = Table(title=f"GET {PATH}: through the render server vs straight to the API")
    table.add_column("path")
    table.add_column(f"req/s ({connections} conn)", justify="right")
    table.add_column(f"p50 / p99 ({connections} conn)", justify="right")
    table.add_column("p50 (1 conn)", justify="right")
    rows = (("API directly", api), ("render server -> API", web), ("bare forwarder -> API", bare))
    for label, row in rows:
        table.add_row(
            label,
            f"{row['loaded'].requests_per_second:.0f}",
            f"{ms(row['loaded'].p50_ms)} / {ms(row['loaded'].p99_ms)}",
            ms(row["single"].p50_ms),
        )
    console.print(table)
    console.print(f"throughput ratio (render server / API): [bold]{ratio:.2f}[/]")
    console.print(
        f"a bare forwarder (uvicorn + aiohttp, nothing else) / API: [bold]{ceiling:.2f}[/]:"
        " the most a Python hop reaches on these shared cores"
    )
    console.print(f"added p50 at one connection: [bold]{ms(added)}[/] (aim: < 1.0 ms)")
    console.print(
        "[dim]One machine: wrk, both servers and PostgreSQL share its cores; the ratio is "
        "the figure to compare across machines.[/]"
    )
    return {"throughput_ratio": ratio, "bare_forwarder_ratio": ceiling, "added_p50_ms": added}


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
        label: {kind: m.to_json() for kind, m in runs.items()} for label, runs in measured.items()
    }
    results.write(
        args.out / "web_hop.json",
        results.header("web_hop", started_at, datetime.now(UTC)) | figures | summary,
    )
    api, web = measured["api"], measured["web"]
    verdicts.save(
        args.out,
        "web_hop",
        [
            verdicts.of(
                4,
                f"through the render server / API, {args.connections} connections",
                f"{web['loaded'].rate:,.0f} / {api['loaded'].rate:,.0f} req/s",
                summary["throughput_ratio"],
                THROUGHPUT_AIM,
                web["loaded"].load,
            ),
            verdicts.of(
                4,
                "render server's added p50, 1 connection (ms)",
                f"{web['single'].result.p50_ms:.2f} - {api['single'].result.p50_ms:.2f} ms",
                summary["added_p50_ms"],
                ADDED_P50_AIM,
                web["single"].load,
            ),
        ],
        figures,
    )
    console.print(f"[dim]figures written to {args.out / 'web_hop.json'}[/]")
    if results.unclean(m.result for runs in measured.values() for m in runs.values()):
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
