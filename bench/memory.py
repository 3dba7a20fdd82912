"""Goal 6: one API worker's memory over a long mixed run. `python -m bench.memory`.

One worker (`cinepass api --workers 1`) serves `--requests` requests (1,000,000 by default) of
a realistic mix: list pages of every kind, single movies, /health, My list reads, adds and
removes, and deliberate 4xx (a bad cursor, a missing token). The worker's RSS is read from
/proc between wrk runs of `--chunk` seconds (each user signs in again before each run: tokens
expire); the aim is under 150 MB at the end, and under 5% growth over the last half. Every
answer is counted by kind: any status other than the expected one makes the command exit 1.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench import catalogue, cpu, drive, lua, options, stage, verdicts, workload, wrk
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer, ServerError

RSS_AIM, GROWTH_AIM = "< 150", "< 5"
# One slot per request of each thread's cycle.
PATTERN = [
    "first",
    "health",
    "tags",
    "movie",
    "deep",
    "health",
    "q",
    "my-list",
    "add",
    "remove",
    "first",
    "health",
    "tags",
    "movie",
    "deep",
    "bad-cursor",
    "no-token",
    "health",
    "first",
    "movie",
]
EXPECTED = {"add": {200, 201}, "bad-cursor": {400}, "no-token": {401}}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ServerError(f"no VmRSS for pid {pid}")


def requests_of(url: str) -> list[lua.Request]:
    auth = (("Authorization", "TOKEN"),)
    json_body = (*auth, ("Content-Type", "application/json"))
    paths = workload.list_paths(url)
    movies = asyncio.run(catalogue.movie_ids(url, 2000))
    found = [lua.Request(k, p, headers=auth) for k in workload.KINDS for p in paths[k]]
    found += [lua.Request("movie", f"/api/movies/{m}", headers=auth) for m in movies[:64]]
    found += [
        lua.Request("health", "/health"),
        lua.Request("my-list", "/api/user-movies", headers=auth),
        lua.Request("remove", "/api/user-movies/", "DELETE", auth),
        lua.Request("bad-cursor", "/api/movies?limit=20&cursor=not-a-cursor", headers=auth),
        lua.Request("no-token", "/api/movies?limit=20"),
    ]
    found += [
        lua.Request("add", "/api/user-movies", "POST", json_body, f'{{"movieId":"{m}"}}')
        for m in movies
    ]
    return found


def unexpected(counts: Counter[tuple[str, int]]) -> Counter[tuple[str, int]]:
    return Counter({(k, s): n for (k, s), n in counts.items() if s not in EXPECTED.get(k, {200})})


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.memory", __doc__)
    p.set_defaults(connections=8)
    p.add_argument("--movies", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=1_000_000)
    p.add_argument(
        "--chunk", type=float, default=60.0, help="seconds per wrk run (RSS read between)"
    )
    args = p.parse_args(argv)
    n = args.connections
    report = args.out / "memory-counts.txt"
    counts: Counter[tuple[str, int]] = Counter()
    curve: list[tuple[int, float]] = []
    loads: list[cpu.Usage] = []
    try:
        with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
            with held("seeding"):
                stage.grow(url, args.movies)
            key, accounts = stage.users(url, n)
            log = args.out / "memory-api.log"
            with ApiServer(url, workers=1, log_path=log) as api:
                requests = requests_of(url)
                curve.append((0, rss_mb(api.pid)))
                done, started = 0, time.monotonic()
                while done < args.requests:
                    rate = done / max(time.monotonic() - started, 1e-9) if done else 0
                    left = (args.requests - done) / rate if rate else args.chunk
                    seconds = max(min(args.chunk, left), 1.0)
                    # Fresh tokens for each run: access tokens expire (15 minutes by default)
                    # and a long run, waiting for the lock, outlives them.
                    tokens = stage.tokens(api.url, key, accounts)
                    script = lua.counted(args.out / "memory.lua", requests, PATTERN, tokens, report)
                    with held("memory"):
                        measured = drive.run(
                            "mixed",
                            api.pid,
                            api.url,
                            connections=n,
                            threads=n,
                            duration=seconds,
                            script=script,
                            quiet=True,
                            deliberate_4xx=True,
                        )
                    done += measured.result.requests
                    counts += lua.read_counts(report)
                    loads.append(measured.load)
                    curve.append((done, rss_mb(api.pid)))
                    console.print(
                        f"  {done:>9,} requests ({measured.rate:,.0f}/s): RSS {curve[-1][1]:.1f} MB"
                        f"  [dim]{drive.load_cell(measured.load)}[/]"
                    )
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    end = curve[-1][1]
    half = nearest(curve, done / 2)
    growth = (end - half[1]) / half[1] * 100
    wrong = unexpected(counts)
    console.print(
        "  RSS curve: "
        + ", ".join(f"{r:,}: {mb:.1f} MB" for r, mb in key_points(curve))
        + f"; last half ({half[0]:,} -> {done:,}): {growth:+.1f}%"
    )
    console.print(
        "  answers: " + ", ".join(f"{k} {s}: {c:,}" for (k, s), c in sorted(counts.items()))
    )
    load = loads[len(loads) // 2] if loads else None
    found = [
        verdicts.of(
            6, f"worker RSS after {done:,} mixed requests (MB)", f"{end:.1f} MB", end, RSS_AIM, load
        ),
        verdicts.of(
            6,
            "worker RSS growth over the last half (%)",
            f"{half[1]:.1f} -> {end:.1f} MB",
            growth,
            GROWTH_AIM,
            load,
        ),
    ]
    details = {
        "curve": curve,
        "answers": {f"{k} {s}": c for (k, s), c in counts.items()},
        "unexpected": {f"{k} {s}": c for (k, s), c in wrong.items()},
    }
    verdicts.save(args.out, "memory", found, details)
    if wrong:
        error(f"unexpected answers: {dict(wrong)}")
        return 1
    return 0


def key_points(curve: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The start, each quarter (the nearest sample) and the end."""
    return list(
        dict.fromkeys(
            [*(nearest(curve, curve[-1][0] * q) for q in (0, 0.25, 0.5, 0.75)), curve[-1]]
        )
    )


def nearest(curve: list[tuple[int, float]], requests: float) -> tuple[int, float]:
    return min(curve, key=lambda point: abs(point[0] - requests))


if __name__ == "__main__":
    sys.exit(main())
