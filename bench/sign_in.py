"""Goal 7: sign-in throughput against what argon2id allows, and sign-ins' effect on the list.

`python -m bench.sign_in`. The hash time is measured here, in the bench's process, with the
server's own settings (PasswordHasher.from_settings): the ideal is every core hashing all the
time, cores / hash time sign-ins a second. Then, on one server: the list's p99 at 8 connections
alone, and again while 20 more connections sign in without pause. For reference, the same
sign-ins against bench.bare_hasher (uvicorn and the hash, nothing else): the most any sign-in on
this stack reaches.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import database, drive, options, stage, verdicts, workload, wrk
from bench.lock import held
from bench.report import console, error
from bench.server import ApiServer, ServerError
from cinepass.auth.passwords import PasswordHasher
from cinepass.provisioning import Account

SIGN_IN = "/api/auth/sign-in"
THROUGHPUT_AIM, P99_AIM = ">= 0.9", "<= 2.0"


def hash_seconds(url: str, rounds: int = 12) -> float:
    """The median time of one password check (argon2id verify, as sign-in does)."""
    hasher = PasswordHasher.from_settings(stage.settings(url))

    async def measure() -> float:
        stored = await hasher.hash("bench-password-to-time")
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            await hasher.verify("bench-password-to-time", stored)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    return asyncio.run(measure())


def sign_in_script(path: Path, account: Account, key: str) -> Path:
    """POST the sign-in with HTTP Basic credentials and the API key token in the body."""
    basic = base64.b64encode(f"{account.email}:{account.password}".encode()).decode()
    body = json.dumps({"apiKeyToken": key})
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Basic {basic}"\n'
    )
    return path


def main(argv: Sequence[str] | None = None) -> int:
    p = options.parser("bench.sign_in", __doc__)
    p.add_argument("--movies", type=int, default=100_000)
    p.add_argument("--sign-in-connections", type=int, default=20)
    p.add_argument("--list-connections", type=int, default=8)
    args = p.parse_args(argv)
    cores = os.cpu_count() or 1
    try:
        with stage.throwaway_database(args.postgres_url, keep=args.keep_db) as url:
            with held("seeding"):
                stage.grow(url, args.movies)
            key, (account,) = stage.users(url, 1)
            with held("sign-in"):
                seconds = hash_seconds(url)
                ideal = cores / seconds
                console.print(
                    f"  one argon2id check: {seconds * 1000:.1f} ms here; {cores} cores"
                    f" -> at most {ideal:,.1f} sign-ins/s"
                )
                log = args.out / "sign-in-api.log"
                with ApiServer(url, workers=1, log_path=log) as api:
                    script = sign_in_script(args.out / "sign-in.lua", account, key)
                    target = api.url + SIGN_IN
                    signed = drive.run(
                        f"sign-in, {args.sign_in_connections} connections",
                        api.pid,
                        target,
                        connections=args.sign_in_connections,
                        threads=args.threads,
                        duration=args.duration,
                        warmup=args.warmup,
                        script=script,
                    )
                    headers = stage.bearer(
                        stage.token(api.url, database.Client(api_key=key, account=account))
                    )
                    paths = workload.list_paths(url)["first"]
                    listing = workload.script(args.out, "first", paths, headers)
                    alone = drive.run(
                        f"list, {args.list_connections} connections, alone",
                        api.pid,
                        api.url,
                        connections=args.list_connections,
                        threads=args.threads,
                        duration=args.duration,
                        warmup=args.warmup,
                        script=listing,
                    )
                    together, background = with_sign_ins(args, api, listing, script)
                with ApiServer(url, workers=1, log_path=log, hasher=True) as bare:
                    ceiling = drive.run(
                        f"bare sign-in (the hash alone), {args.sign_in_connections} connections",
                        bare.pid,
                        bare.url + SIGN_IN,
                        connections=args.sign_in_connections,
                        threads=args.threads,
                        duration=args.duration,
                        warmup=args.warmup,
                        script=script,
                    )
    except (ServerError, wrk.WrkError) as exc:
        error(str(exc))
        return 1
    slowdown = together.result.p99_ms / alone.result.p99_ms
    console.print(
        f"  list p99 {alone.result.p99_ms:.2f} ms alone, {together.result.p99_ms:.2f} ms with"
        f" {args.sign_in_connections} sign-in connections ({background.requests_per_second:,.1f}"
        f" sign-ins/s meanwhile): x{slowdown:.2f}"
    )
    console.print(
        f"  a bare sign-in (uvicorn + the hash, nothing else): {ceiling.rate:,.1f}/s ="
        f" {ceiling.rate / ideal:.2f} of the ideal, the most a sign-in on this stack reaches;"
        f" cinepass's is {signed.rate / ceiling.rate:.2f} of it"
    )
    found = [
        verdicts.of(
            7,
            f"sign-ins/s / (cores / hash time), {args.sign_in_connections} connections",
            f"{signed.rate:,.1f} / ({cores} / {seconds * 1000:.1f} ms = {ideal:,.1f})",
            signed.rate / ideal,
            THROUGHPUT_AIM,
            signed.load,
        ),
        verdicts.of(
            7,
            f"list p99 with {args.sign_in_connections} sign-ins / alone"
            f" ({args.list_connections} connections)",
            f"{together.result.p99_ms:.1f} / {alone.result.p99_ms:.1f} ms",
            slowdown,
            P99_AIM,
            together.load,
        ),
    ]
    details = {
        "hash_ms": seconds * 1000,
        "cores": cores,
        "sign_in": signed.to_json(),
        "list_alone": alone.to_json(),
        "list_with_sign_ins": together.to_json(),
        "sign_ins_meanwhile": background.to_json(),
        "bare_sign_in": ceiling.to_json(),
        "bare_sign_in_ratio": ceiling.rate / ideal,
    }
    verdicts.save(args.out, "sign_in", found, details)
    runs = (signed.result, alone.result, together.result, background, ceiling.result)
    return 0 if all(r.clean for r in runs) else 1


def with_sign_ins(
    args: argparse.Namespace, api: ApiServer, listing: Path, sign_in: Path
) -> tuple[drive.Measured, wrk.WrkResult]:
    """The list measured while another wrk signs in, from 2 s before to 2 s after."""
    connections = args.sign_in_connections
    command = wrk.command(
        api.url + SIGN_IN,
        connections=connections,
        threads=1,
        duration_s=args.duration + 4,
        script=sign_in,
    )
    background = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        together = drive.run(
            f"list, {args.list_connections} connections, with sign-ins",
            api.pid,
            api.url,
            connections=args.list_connections,
            threads=args.threads,
            duration=args.duration,
            script=listing,
        )
    finally:
        out, _ = background.communicate()
    return together, wrk.parse(out, url=api.url + SIGN_IN, connections=connections, threads=1)


if __name__ == "__main__":
    sys.exit(main())
