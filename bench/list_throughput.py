"""Goals 1-3: the list's throughput against /health, /health against a bare ASGI app, and the
cold path (every cache off) against the baseline. `python -m bench.list_throughput`.

For each worker count: a bare ASGI app served like `cinepass api` (goal 2's ceiling); then
`cinepass api` on the same database: /health, and each kind of list URL (first pages, tag
searches, title searches, deep pages, and all of them in turn), 64 connections, each kind a
wrk Lua script rotating through 64 URLs; with the first worker count also the same server
started with CINEPASS_CACHE_ENABLED=false (goal 3). `--baseline FILE` records the figures of
the code as it is instead (bench/baseline.json: the "today" goal 3 compares with).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.table import Table

from bench import drive, options, stage, verdicts, workload, wrk
from bench.drive import Measured
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer, ServerError

LIST_AIM, HEALTH_AIM, COLD_AIM = ">= 0.5", ">= 0.8", ">= 2.0"
COLD = {"CINEPASS_CACHE_ENABLED": "false"}
BASELINE = Path("bench/baseline.json")


def _measure(
    args: Any, label: str, server: ApiServer, headers: dict[str, str], script: Path | None
) -> Measured:
    return drive.run(
        label,
        server.pid,
        server.url + ("/" if script else "/health"),
        connections=args.connections,
        threads=args.threads,
        duration=args.duration,
        warmup=args.warmup,
        headers=None if script else {},
        script=script,
    )


def one_worker_count(
    args: Any, url: str, admin: Any, workers: int, cold: bool
) -> dict[str, Measured]:
    measured: dict[str, Measured] = {}
    log = args.out / "list-throughput-api.log"
    with held(f"list throughput, {workers} worker(s)"):
        with ApiServer(url, workers=workers, log_path=log, bare=True) as bare:
            measured["bare"] = _measure(args, f"bare ASGI /health, {workers}w", bare, {}, None)
        configurations: list[tuple[str, dict[str, str]]] = [("", {})] + (
            [("cold ", COLD)] if cold else []
        )
        for prefix, env in configurations:
            with ApiServer(url, workers=workers, log_path=log, env=env) as api:
                headers = stage.bearer(stage.token(api.url, admin))
                paths = workload.list_paths(url)
                workload.check(api.url, paths["mix"], headers)
                if not prefix:
                    measured["health"] = _measure(args, f"/health, {workers}w", api, {}, None)
                for kind in args.kinds:
                    script = workload.script(args.out, kind, paths[kind], headers)
                    label = f"{prefix}list {kind}, {workers}w"
                    measured[prefix + kind] = _measure(args, label, api, headers, script)
    return measured


def commit(*paths: str) -> str:
    """The last commit (of `paths`, if given) of the code measured."""
    done = subprocess.run(
        ["git", "log", "-1", "--format=%H", "--", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def verdicts_of(
    runs: dict[int, dict[str, Measured]], baseline: dict[str, Any] | None
) -> list[verdicts.Verdict]:
    found: list[verdicts.Verdict] = []
    for workers, m in runs.items():
        health = m["health"]
        for kind in [k for k in m if k in workload.LABELS]:
            found.append(
                verdicts.of(
                    1,
                    f"list {workload.LABELS[kind]} / /health, {workers}w",
                    f"{m[kind].rate:,.0f} / {health.rate:,.0f} req/s",
                    m[kind].rate / health.rate,
                    LIST_AIM,
                    m[kind].load,
                )
            )
        found.append(
            verdicts.of(
                2,
                f"/health / bare ASGI, {workers}w",
                f"{health.rate:,.0f} / {m['bare'].rate:,.0f} req/s",
                health.rate / m["bare"].rate,
                HEALTH_AIM,
                health.load,
            )
        )
    first = runs[min(runs)] if 1 in runs else runs[next(iter(runs))]
    if baseline is None:
        console.print(f"[yellow]note:[/] no {BASELINE}: goal 3 is not judged")
        return found
    then = baseline["figures"]
    for kind in [k for k in workload.LABELS if f"cold {k}" in first and k in then["list"]]:
        cold = first[f"cold {kind}"]
        now = cold.rate / first["bare"].rate
        before = then["list"][kind] / then["bare"]
        # Requests per second of server CPU: what other programs on the machine disturb least.
        per_core_now = cold.rate / max(cold.load.server, 1e-9)
        per_core_then = then["list"][kind] / max(baseline["load"][kind]["server_cores"], 1e-9)
        found.append(
            verdicts.of(
                3,
                f"cold list {workload.LABELS[kind]}: (now / bare) / (baseline's)",
                f"{first[f'cold {kind}'].rate:,.0f} req/s now,"
                f" {then['list'][kind]:,.0f} in baseline"
                f" ({now:.3f} / {before:.3f} of bare); per server core"
                f" {per_core_now:,.0f} / {per_core_then:,.0f}"
                f" = x{per_core_now / per_core_then:.2f}",
                now / before,
                COLD_AIM,
                first[f"cold {kind}"].load,
            )
        )
    return found


def table(runs: dict[int, dict[str, Measured]]) -> None:
    t = Table(title="List throughput (64 connections, URLs rotated by a wrk Lua script)")
    for name in ("run", "req/s", "p50", "p99", "errors", "load: server/pg/\nwrk/other cores"):
        t.add_column(
            name,
            justify="left" if name in ("run", "load: server/pg/\nwrk/other cores") else "right",
        )
    for m in runs.values():
        for r in m.values():
            t.add_row(
                r.label,
                f"{r.rate:,.0f}",
                f"{r.result.p50_ms:.2f}",
                f"{r.result.p99_ms:.2f}",
                str(r.result.non_2xx + r.result.socket_errors),
                drive.load_cell(r.load),
            )
    console.print(t)


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.list_throughput", __doc__)
    p.add_argument("--movies", type=int, default=100_000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument(
        "--kinds", nargs="+", default=[*workload.KINDS, "mix"], choices=[*workload.KINDS, "mix"]
    )
    p.add_argument("--no-cold", dest="cold", action="store_false", help="skip goal 3's server")
    p.add_argument("--baseline", type=Path, help="record today's figures to this file instead")
    args = p.parse_args(argv)
    if wrk.wrk_path() is None:
        error(wrk.INSTALL_HINT)
        return 2
    runs: dict[int, dict[str, Measured]] = {}
    try:
        with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
            with held("seeding"):
                stage.grow(url, args.movies)
            admin = stage.client(url)
            for i, workers in enumerate(args.workers):
                cold = args.cold and i == 0 and args.baseline is None
                runs[workers] = one_worker_count(args, url, admin, workers, cold)
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    table(runs)
    details = {str(w): {k: r.to_json() for k, r in m.items()} for w, m in runs.items()}
    clean = all(r.result.clean for m in runs.values() for r in m.values())
    if args.baseline is not None:
        first = runs[args.workers[0]]
        record = {
            "commit": commit(),
            "server_commit": commit("src"),
            "date": datetime.now(UTC).isoformat(),
            "movies": args.movies,
            "workers": args.workers[0],
            "connections": args.connections,
            "figures": {
                "list": {k: round(first[k].rate, 1) for k in first if k in workload.LABELS},
                "health": round(first["health"].rate, 1),
                "bare": round(first["bare"].rate, 1),
            },
            "load": {k: r.load.to_json() for k, r in first.items()},
            "runs": details,
        }
        args.baseline.write_text(json.dumps(record, indent=2) + "\n")
        console.print(f"baseline written to {args.baseline}")
        return 0 if clean else 1
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else None
    found = verdicts_of(runs, baseline)
    verdicts.save(args.out, "list_throughput", found, details)
    for v in found:
        console.print(
            f"goal {v.goal}: {v.name}: {v.figure} -> [bold]{v.value:.3f}[/]"
            f" (aim {v.aim}: {'met' if v.met else '[red]not met[/]'})"
        )
    if not clean:
        console.print("[bold red]some runs had errors; their figures are not valid[/]")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
