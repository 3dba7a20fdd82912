"""The options every goal's command shares: where PostgreSQL is, how long and how hard to drive."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
OUT = Path("var/bench")


def parser(prog: str, doc: str | None, *, duration: float = 10.0) -> argparse.ArgumentParser:
    """A parser with the shared options; the command adds its own."""
    p = argparse.ArgumentParser(
        prog=f"python -m {prog}",
        description=(doc or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CINEPASS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a database URL on a server where the bench may CREATE DATABASE"
        " (env: CINEPASS_BENCH_POSTGRES_URL)",
    )
    p.add_argument("--duration", type=float, default=duration, help="seconds per wrk run")
    p.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds before a run")
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--keep-db", action="store_true", help="keep the throwaway database")
    p.add_argument("--out", type=Path, default=OUT, help="directory for logs and JSON")
    return p
