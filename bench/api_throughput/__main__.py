"""`python -m bench.api_throughput`: check the prerequisites, run the steps, report, clean up."""

from __future__ import annotations

import asyncio
import os
import platform
import sys
from collections.abc import Sequence

import httpx

from bench import cpu, database, results, wrk
from bench.api_throughput.arguments import parse_args
from bench.api_throughput.report import report
from bench.api_throughput.results import Run
from bench.api_throughput.steps import benchmark
from bench.report import BUSY_ELSEWHERE, console, error
from bench.server import ServerError
from cinepass.client.client import ApiError


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk.wrk_path() is None:
        error(wrk.INSTALL_HINT)
        return 2
    try:
        pg_version = asyncio.run(database.server_version(args.postgres_url))
    except Exception as exc:
        where = args.postgres_url.split("@")[-1]
        error(
            f"PostgreSQL is not reachable at {where} ({type(exc).__name__}: {exc}).\n"
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
    except (ServerError, wrk.WrkError, httpx.HTTPError, ApiError) as exc:
        error(str(exc))
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
    results.write(args.output, run.to_json())
    console.print(f"\nresults written to {args.output}")
    if run.unclean():
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
