"""Goal 5: a page's p50 at 1,000,000 movies against 1,000, on the cold path.

`python -m bench.page_growth`. Two catalogues made by COPY, of `--small` and `--large` movies,
each behind its own server with CINEPASS_CACHE_ENABLED=false (so each answer reads the
database). p50 over one connection (wrk -t1 -c1) of the first page (limits 15-25 in turn), deep
pages (cursors spread over the whole order, in turn), the last page, tag searches (each tag in
turn) and title searches (common to rare fragments, in turn); each kind is measured on the two
sides in turn, three rounds each, and a side's p50 is the median of its rounds', so that the
machine's drift (a 2-core VM's speed moves by 10-15% over minutes) weighs on both alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
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
ROUNDS = 3
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


def probe(args: Any, sides: Sequence[tuple[str, int]]) -> list[dict[str, list[Measured]]]:
    """Each catalogue behind its own server, measured in turn: every kind of page, `ROUNDS`
    times on each side, so that a machine slowing down or speeding up weighs on both alike."""
    found: list[dict[str, list[Measured]]] = [{} for _ in sides]
    with contextlib.ExitStack() as stack:
        stack.enter_context(held("page latency"))
        servers, scripts = [], []
        for url, movies in sides:
            log = args.out / f"page-growth-api-{movies}.log"
            api = stack.enter_context(ApiServer(url, workers=1, log_path=log, env=COLD))
            headers = stage.bearer(stage.token(api.url, stage.client(url)))
            side_scripts = {}
            for page, paths in page_paths(url, movies).items():
                workload.check(api.url, paths, headers)
                side_scripts[page] = workload.script(
                    args.out, f"page-{page}-{movies}", paths, headers
                )
            servers.append(api)
            scripts.append(side_scripts)
        for page in PAGES:
            for turn in range(ROUNDS):
                for side, (api, (_, movies)) in enumerate(zip(servers, sides, strict=True)):
                    found[side].setdefault(page, []).append(
                        drive.run(
                            f"{PAGES[page]} at {movies:,}, round {turn + 1} of {ROUNDS}",
                            api.pid,
                            api.url,
                            connections=1,
                            threads=1,
                            duration=args.duration,
                            warmup=1 if turn == 0 else 0,
                            script=scripts[side][page],
                        )
                    )
    return found


def p50(rounds: list[Measured]) -> float:
    return statistics.median(m.result.p50_ms for m in rounds)


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.page_growth", __doc__, duration=3.0)
    p.add_argument("--small", type=int, default=1_000)
    p.add_argument("--large", type=int, default=1_000_000)
    args = p.parse_args(argv)
    try:
        with (
            stage.throwaway_database(args.postgres_url, keep=args.keep_db) as small_url,
            stage.throwaway_database(args.postgres_url, keep=args.keep_db) as large_url,
        ):
            stage.grow(small_url, args.small)
            with held("seeding"):
                stage.grow(large_url, args.large)
            small, large = probe(args, [(small_url, args.small), (large_url, args.large)])
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    table = Table(title=f"Page p50, one connection, cache off: {args.large:,} vs {args.small:,}")
    for name in ("page", f"p50 {args.small:,}", f"p50 {args.large:,}", "growth", "aim"):
        table.add_column(name, justify="left" if name == "page" else "right")
    found = []
    for page, label in PAGES.items():
        a, b = p50(small[page]), p50(large[page])
        v = verdicts.of(
            5,
            f"{label} p50 at {args.large:,} / at {args.small:,}",
            f"{b:.2f} / {a:.2f} ms",
            b / a,
            AIM,
            large[page][-1].load,
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
        str(size): {k: [m.to_json() for m in rounds] for k, rounds in side.items()}
        for size, side in ((args.small, small), (args.large, large))
    }
    verdicts.save(args.out, "page_growth", found, details)
    clean = all(m.result.clean for side in (small, large) for r in side.values() for m in r)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
