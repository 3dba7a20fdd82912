"""Goal 8: My list writes at 64 connections, and no lost write. `python -m bench.my_list_writes`.

Each wrk connection is its own thread and its own user (`-tN -cN`), so its answers come back in
the order it sent them: it adds movies in turn (POST /api/user-movies), keeps every fourth and
removes the others (DELETE /api/user-movies/{id} with the id the add answered), and records
every acknowledged write. Afterwards the database must hold every acknowledged add that was
not removed, and none of the acknowledged removes; a lost write makes the command exit 1.
"""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import asyncpg  # type: ignore[import-untyped,unused-ignore]

from bench import catalogue, drive, lua, options, stage, verdicts, wrk
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer, ServerError


def read_report(report: Path) -> dict[int, dict[str, list[str]]]:
    """thread -> kept / removed / pending / failed -> movie ids (or `method status`)."""
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in report.read_text().splitlines():
        thread, what, rest = line.split(" ", 2)
        found[int(thread)][what].append(rest)
    return found


async def lost_writes(url: str, ids: list[str], acked: dict[int, dict[str, list[str]]]) -> int:
    """Acknowledged adds missing from the database, plus acknowledged removes still in it."""
    conn = await asyncpg.connect(catalogue.dsn(url))
    try:
        rows = await conn.fetch("SELECT user_id, movie_id FROM user_movies")
    finally:
        await conn.close()
    listed: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        listed[r["user_id"]].add(r["movie_id"])
    lost = 0
    for thread, writes in acked.items():
        have = listed[ids[thread - 1]]
        lost += sum(m not in have for m in writes["kept"] + writes["pending"])
        lost += sum(m in have for m in writes["removed"])
    return lost


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.my_list_writes", __doc__)
    p.add_argument("--movies", type=int, default=100_000)
    args = p.parse_args(argv)
    n = args.connections
    report = args.out / "my-list-writes.txt"
    try:
        with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
            with held("seeding"):
                stage.grow(url, args.movies)
            key, accounts = stage.users(url, n)
            ids = asyncio.run(stage.user_ids(url, accounts))
            movies = asyncio.run(catalogue.movie_ids(url, 5000))
            with (
                held("my list writes"),
                ApiServer(url, workers=1, log_path=args.out / "my-list-writes-api.log") as api,
            ):
                tokens = stage.tokens(api.url, key, accounts)
                script = lua.my_list_writes(args.out / "my-list-writes.lua", tokens, movies, report)
                measured = drive.run(
                    f"My list add/remove, {n} users",
                    api.pid,
                    api.url,
                    connections=n,
                    threads=n,
                    duration=args.duration,
                    script=script,
                )
            acked = read_report(report)
            lost = asyncio.run(lost_writes(url, ids, acked))
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    count = {
        what: sum(len(w[what]) for w in acked.values())
        for what in ("kept", "removed", "pending", "failed")
    }
    r = measured.result
    console.print(
        f"  {r.requests_per_second:,.0f} writes/s, p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms;"
        f" acknowledged: {count['kept'] + count['pending']:,} adds kept,"
        f" {count['removed']:,} add+remove pairs; {count['failed']} failed;"
        f" [bold]{lost} lost[/]"
    )
    found = [
        verdicts.of(
            8,
            f"My list writes, {n} connections: lost writes",
            f"{r.requests_per_second:,.0f} req/s, p99 {r.p99_ms:.1f} ms;"
            f" {count['kept'] + count['pending'] + 2 * count['removed']:,} acknowledged",
            lost,
            "<= 0",
            measured.load,
        )
    ]
    verdicts.save(args.out, "my_list_writes", found, {"run": measured.to_json(), **count})
    if lost or count["failed"] or not r.clean:
        console.print("[bold red]lost writes or failed requests[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
