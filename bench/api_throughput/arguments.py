"""The benchmark's command line: its options, their defaults and which combinations make sense."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


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
