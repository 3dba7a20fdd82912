"""Goal 5: a page's p50 at 1,000,000 movies against 1,000, on the cold path.

`python -m bench.page_growth`. The server runs with CINEPASS_CACHE_ENABLED=false, so each
answer reads the database. At `--small` movies, then again after COPY has grown the same
catalogue to `--large`: p50 over one connection (wrk -t1 -c1) of the first page (limits 15-25
in turn), deep pages (cursors spread over the whole order, in turn), the last page, tag
searches (each tag in turn) and title searches (common to rare fragments, in turn).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import Any

from rich.table import Table

from bench import catalogue, drive, options, stage, verdicts, workload, wrk
from bench.drive import Measured
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer, ServerError

AIM = "<= 1.2"
COLD = {"CINEPASS_CACHE_ENABLED": "false"}
PAGES = {
    "first": "first page",
    "deep": "deep pages",
    "last": "last page",
    "tags": "tag search",
    "q": "title search",
}


def page_paths(url: str, movies: int) -> dict[str, list[str]]:
    paths = workload.list_paths(url)
    last = asyncio.run(catalogue.cursor_at(url, movies - 21))
    return {
        "first": paths["first"],
        "deep": paths["deep"],
        "last": [workload.list_path(limit=20, cursor=last)],
        "tags": paths["tags"],
        "q": paths["q"],
    }


def probe(args: Any, url: str, admin: Any, movies: int) -> dict[str, Measured]:
    found: dict[str, Measured] = {}
    log = args.out / "page-growth-api.log"
    with (
        held(f"page latency at {movies:,}"),
        ApiServer(url, workers=1, log_path=log, env=COLD) as api,
    ):
        headers = stage.bearer(stage.token(api.url, admin))
        for page, paths in page_paths(url, movies).items():
            workload.check(api.url, paths, headers)
            script = workload.script(args.out, f"page-{page}", paths, headers)
            found[page] = drive.run(
                f"{PAGES[page]} at {movies:,}",
                api.pid,
                api.url,
                connections=1,
                threads=1,
                duration=args.duration,
                warmup=1,
                script=script,
            )
    return found


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.page_growth", __doc__, duration=5.0)
    p.add_argument("--small", type=int, default=1_000)
    p.add_argument("--large", type=int, default=1_000_000)
    args = p.parse_args(argv)
    try:
        with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
            admin = stage.client(url)
            stage.grow(url, args.small)
            small = probe(args, url, admin, args.small)
            with held("seeding"):
                stage.grow(url, args.large)
            large = probe(args, url, admin, args.large)
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    table = Table(title=f"Page p50, one connection, cache off: {args.large:,} vs {args.small:,}")
    for name in ("page", f"p50 {args.small:,}", f"p50 {args.large:,}", "growth", "aim"):
        table.add_column(name, justify="left" if name == "page" else "right")
    found = []
    for page, label in PAGES.items():
        a, b = small[page].result.p50_ms, large[page].result.p50_ms
        v = verdicts.of(
            5,
            f"{label} p50 at {args.large:,} / at {args.small:,}",
            f"{b:.2f} / {a:.2f} ms",
            b / a,
            AIM,
            large[page].load,
        )
        found.append(v)
        table.add_row(
            label,
            f"{a:.2f} ms",
            f"{b:.2f} ms",
            f"x{v.value:.2f}",
            "met" if v.met else "[red]not met[/]",
        )
    console.print(table)
    details = {
        str(args.small): {k: m.to_json() for k, m in small.items()},
        str(args.large): {k: m.to_json() for k, m in large.items()},
    }
    verdicts.save(args.out, "page_growth", found, details)
    clean = all(m.result.clean for m in (*small.values(), *large.values()))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
