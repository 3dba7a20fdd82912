"""A py-spy flame graph of the API's authenticated list under load: `python -m bench.flame`.

Creates a throwaway database with the bench's catalogue, starts `cinepass api --workers 1`,
drives varied list URLs (first pages, tags, searches, deep pages) with wrk and records the
server with `py-spy record` meanwhile. py-spy needs ptrace: run as root (or with
CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=0).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import options, stage, workload, wrk
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer


def py_spy() -> str | None:
    return shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.flame", __doc__, duration=15.0)
    p.add_argument("--movies", type=int, default=100_000)
    p.add_argument("--output", type=Path, default=Path("bench/flamegraphs/list.svg"))
    p.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    args = p.parse_args(argv)
    spy = py_spy()
    if spy is None or wrk.wrk_path() is None:
        error("needs py-spy (make install) and wrk")
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
        with held("seeding"):
            stage.grow(url, args.movies)
        admin = stage.client(url)
        with (
            held("flame graph"),
            ApiServer(url, workers=1, log_path=args.out / "flame-api.log") as api,
        ):
            headers = stage.bearer(stage.token(api.url, admin))
            paths = workload.list_paths(url)["mix"]
            workload.check(api.url, paths, headers)
            script = workload.script(args.out, "mix", paths, headers)
            command = wrk.command(
                api.url,
                connections=args.connections,
                threads=args.threads,
                duration_s=args.duration + args.warmup + 3,
                script=script,
            )
            load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            time.sleep(args.warmup)
            console.print(f"py-spy record --pid {api.pid} for {args.duration:g}s -> {args.output}")
            subprocess.run(
                [
                    spy,
                    "record",
                    "--pid",
                    str(api.pid),
                    "--subprocesses",
                    "--duration",
                    str(round(args.duration)),
                    "--rate",
                    str(args.rate),
                    "--format",
                    "flamegraph",
                    "--output",
                    str(args.output),
                ],
                check=True,
            )
            report, _ = load.communicate()
            measured = wrk.parse(
                report, url=api.url, connections=args.connections, threads=args.threads
            )
            console.print(
                f"meanwhile: {measured.requests_per_second:,.0f} req/s of varied list pages,"
                f" {measured.non_2xx} non-2xx, {measured.socket_errors} socket errors"
            )
    console.print(f"flame graph: {args.output}")
    return 0 if measured.clean else 1


if __name__ == "__main__":
    sys.exit(main())
