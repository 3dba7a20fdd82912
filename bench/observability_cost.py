"""What metrics (and the audit trail) cost on the hot path: list and sign-in, with and without.

Starts `cinepass api` once per configuration on one PostgreSQL database and measures, with wrk,
`GET /api/movies?limit=20` (bearer token) and `POST /api/auth/sign-in` (argon2 included); prints
req/s for each and the ratio to the bare server. Run: `make bench`, or
`.venv/bin/python -m bench.observability_cost --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table

from bench import database, results, wrk
from bench.report import console, error, warn_unclean
from bench.server import ApiServer, ServerError, free_port
from cinepass.client.client import ApiError
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.provisioning import sign_in
from cinepass.users.models import Role

OUT = Path("var/bench")
LIST = "/api/movies?limit=20"
SIGN_IN = "/api/auth/sign-in"
# The audit trail's switch (CINEPASS_AUDIT_ENABLED, on by default): set to
# "false" in the bare runs and "true" in the audited ones; a server without it ignores it.
AUDIT_VARIABLE = "CINEPASS_AUDIT_ENABLED"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.observability_cost",
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--movies", type=int, default=1000, help="catalogue size")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="connections for the list")
    parser.add_argument(
        "--sign-in-connections", type=int, default=8, help="connections for sign-in"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="each configuration this many times, interleaved"
    )
    parser.add_argument(
        "--audit",
        action="store_true",
        help=f"also measure with the audit trail on ({AUDIT_VARIABLE}=true)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CINEPASS_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database URL on the server where the benchmark may CREATE DATABASE"
        " (env: CINEPASS_BENCH_POSTGRES_URL)",
    )
    return parser.parse_args(argv)


def configurations(audit: bool) -> dict[str, dict[str, str]]:
    """Each configuration's extra environment; the first is the baseline."""
    off = {AUDIT_VARIABLE: "false"}
    metrics = {"CINEPASS_METRICS_ADDRESS": "127.0.0.1:{port}"}
    chosen = {"bare": off, "metrics": {**off, **metrics}}
    if audit:
        chosen["audit"] = {AUDIT_VARIABLE: "true"}
        chosen["metrics + audit"] = {AUDIT_VARIABLE: "true", **metrics}
    return chosen


def _sign_in_script(client: database.Client) -> Path:
    """A wrk script that POSTs the sign-in with Basic credentials and the key in the body."""
    credentials = f"{client.account.email}:{client.account.password}".encode()
    basic = base64.b64encode(credentials).decode()
    body = json.dumps({"apiKeyToken": client.api_key})
    path = OUT / "sign-in.lua"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Basic {basic}"\n'
    )
    return path


def _measure_one(
    args: argparse.Namespace, url: str, extra: dict[str, str], client: database.Client
) -> dict[str, wrk.WrkResult]:
    server = ApiServer(url, workers=1, log_path=OUT / "observability-api.log")
    server.env.update({k: v.format(port=free_port()) for k, v in extra.items()})
    with server as api:
        token = asyncio.run(sign_in(api.url, client.account, client.api_key)).token
        bearer = {"Authorization": f"Bearer {token}"}
        if httpx.get(api.url + LIST, headers=bearer).status_code != 200:
            raise ServerError(f"GET {LIST} did not answer 200")
        script = _sign_in_script(client)
        wrk.run(api.url + LIST, connections=8, threads=2, duration_s=2, headers=bearer)
        listed = wrk.run(
            api.url + LIST,
            connections=args.connections,
            threads=2,
            duration_s=args.duration,
            headers=bearer,
        )
        signed_in = wrk.run(
            api.url + SIGN_IN,
            connections=args.sign_in_connections,
            threads=2,
            duration_s=args.duration,
            script=script,
        )
    for result in (listed, signed_in):
        warn_unclean(result)
    return {"list": listed, "sign-in": signed_in}


def measure(args: argparse.Namespace) -> dict[str, list[dict[str, wrk.WrkResult]]]:
    admin_url = args.postgres
    name = database.database_name()
    url = database.database_url(admin_url, name)
    asyncio.run(database.create_database(admin_url, name))
    try:
        settings = Settings(database={"url": url})
        migrate.upgrade(settings)
        console.print(f"seeding {args.movies} movies…")
        asyncio.run(database.seed(url, args.movies, "http://127.0.0.1", lambda n: None))
        client = asyncio.run(database.provision(settings, preset="web", role=Role.USER))
        measured: dict[str, list[dict[str, wrk.WrkResult]]] = {}
        for round_number in range(1, args.rounds + 1):
            for label, extra in configurations(args.audit).items():
                console.print(f"round {round_number}: {label}…")
                measured.setdefault(label, []).append(_measure_one(args, url, extra, client))
        return measured
    finally:
        asyncio.run(database.drop_database(admin_url, name))


def _best(runs: list[dict[str, wrk.WrkResult]], kind: str) -> float:
    # The best of the rounds: other load on the machine only ever lowers a figure.
    return max(run[kind].requests_per_second for run in runs)


def report(measured: dict[str, list[dict[str, wrk.WrkResult]]]) -> dict[str, Any]:
    baseline = next(iter(measured))
    table = Table(title="API throughput with and without metrics (best of the rounds)")
    table.add_column("configuration")
    table.add_column(f"GET {LIST} req/s", justify="right")
    table.add_column("vs bare", justify="right")
    table.add_column(f"POST {SIGN_IN} req/s", justify="right")
    table.add_column("vs bare", justify="right")
    summary: dict[str, Any] = {}
    for label, runs in measured.items():
        row = [label]
        for kind in ("list", "sign-in"):
            rate = _best(runs, kind)
            ratio = rate / _best(measured[baseline], kind)
            row += [f"{rate:.0f}", f"{ratio:.3f}"]
            summary[f"{label}: {kind} ratio"] = ratio
        table.add_row(*row)
    console.print(table)
    console.print(
        "[dim]Aim: every ratio at 0.95 or more. One machine: wrk, the server and PostgreSQL"
        " share its cores; run with --rounds 3 or more on a quiet machine for firm figures.[/]"
    )
    return summary


def middleware_microseconds(requests: int = 50_000) -> tuple[float, float]:
    """CPU time per request (µs) of a trivial ASGI app, bare and inside RequestMetrics: the
    middleware's own cost, which no load on the machine inflates as it does wrk's figures."""
    from starlette.types import Message

    from cinepass.metrics.asgi import RequestMetrics

    class Route:
        path = "/api/movies/{movie_id}"

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope["route"] = Route
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        return None

    async def drive(target: Any) -> float:
        started = time.process_time()
        for _ in range(requests):
            await target({"type": "http", "method": "GET", "path": "/x"}, receive, send)
        return (time.process_time() - started) / requests * 1e6

    async def both() -> tuple[float, float]:
        await drive(RequestMetrics(app))  # warm: labelled children made, code paths hot
        return await drive(app), await drive(RequestMetrics(app))

    return asyncio.run(both())


def _middleware_cost(multiprocess: bool) -> tuple[float, float]:
    """middleware_microseconds in a fresh interpreter: the metrics' storage is chosen at import."""
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    with tempfile.TemporaryDirectory() as directory:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = directory
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from bench.observability_cost import middleware_microseconds as m; print(*m())",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    bare, metered = done.stdout.split()
    return float(bare), float(metered)


def report_middleware() -> dict[str, float]:
    table = Table(title="RequestMetrics alone: CPU per request of a trivial ASGI app")
    table.add_column("metrics storage")
    table.add_column("bare app µs", justify="right")
    table.add_column("with RequestMetrics µs", justify="right")
    table.add_column("added µs", justify="right")
    figures: dict[str, float] = {}
    for label, multiprocess in (("one process", False), ("multiprocess files", True)):
        bare, metered = _middleware_cost(multiprocess)
        table.add_row(label, f"{bare:.1f}", f"{metered:.1f}", f"{metered - bare:.1f}")
        figures[f"middleware added µs ({label})"] = metered - bare
    console.print(table)
    return figures


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
    summary = report(measured) | report_middleware()
    figures = {
        label: [{kind: r.to_json() for kind, r in run.items()} for run in runs]
        for label, runs in measured.items()
    }
    results.write(
        OUT / "observability_cost.json",
        results.header("observability_cost", started_at, datetime.now(UTC)) | figures | summary,
    )
    console.print(f"[dim]figures written to {OUT / 'observability_cost.json'}[/]")
    if results.unclean(r for runs in measured.values() for run in runs for r in run.values()):
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
