"""What the render server's hop costs: `GET /api/movies?limit=20` through it vs straight to the API.

Prints, for PostgreSQL: throughput at 64 connections both ways and their ratio, and the p50 at
one connection both ways and the difference (the hop's added latency). Run: `make bench`, or
`.venv/bin/python -m bench.web_hop --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import database, wrk
from bench.server import ApiServer, cinepass_command, free_port
from cinepass.api_keys import service as api_keys_service
from cinepass.auth.passwords import PasswordHasher
from cinepass.config import Settings
from cinepass.db import migrate
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.scopes import PRESETS
from cinepass.users import service as users_service

console = Console()
OUT = Path("var/bench")
PATH = "/api/movies?limit=20"


async def _viewer(settings: Settings) -> tuple[str, str, str]:
    """The render server's key and a plain user: (key, email, password)."""
    password = f"viewer-{uuid.uuid4().hex}"
    email = f"viewer-{uuid.uuid4().hex[:8]}@example.com"
    hasher = PasswordHasher.from_settings(settings)
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            key = await api_keys_service.create(session, name="web", scopes=PRESETS["web"])
            await users_service.create(
                session, name="Viewer", email=email, password_hash=await hasher.hash(password)
            )
        return key.token, email, password
    finally:
        await engine.dispose()


class WebServer:
    """`cinepass web` as a separate process in front of `api_url`."""

    def __init__(self, api_url: str, public_key: str, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        self.env = {
            **os.environ,
            "CINEPASS_API_URL": api_url,
            "CINEPASS_PUBLIC_API_KEY": public_key,
            "CINEPASS_WEB_ORIGIN": self.url,
            "CINEPASS_WEB_SESSION_KEYS": json.dumps([key]),
            "CINEPASS_LOG_LEVEL": "WARNING",
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> WebServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*cinepass_command(), "web", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the render server did not start; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)


def _cookie(web: WebServer, email: str, password: str) -> str:
    r = httpx.post(
        f"{web.url}/auth/sign-in",
        json={"email": email, "password": password},
        headers={"X-Cinepass-CSRF": "1", "Origin": web.url},
    )
    r.raise_for_status()
    for header in r.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == "__Host-cinepass":
            return rest.split(";", 1)[0]
    raise RuntimeError("the render server set no session cookie")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    admin_url = args.postgres
    name = database.database_name()
    url = database.database_url(admin_url, name)
    asyncio.run(database.create_database(admin_url, name))
    try:
        settings = Settings(database={"url": url})
        migrate.upgrade(settings)
        console.print(f"seeding {args.movies} movies…")
        asyncio.run(database.seed(url, args.movies, "http://127.0.0.1", lambda n: None))
        public_key, email, password = asyncio.run(_viewer(settings))
        OUT.mkdir(parents=True, exist_ok=True)
        with (
            ApiServer(url, workers=1, log_path=OUT / "web-hop-api.log") as api,
            WebServer(api.url, public_key, OUT / "web-hop-web.log") as web,
        ):
            token = httpx.post(
                f"{api.url}/api/auth/sign-in",
                auth=(email, password),
                json={"apiKeyToken": public_key},
            ).json()["token"]
            direct = {"Authorization": f"Bearer {token}"}
            hop = {"Cookie": f"__Host-cinepass={_cookie(web, email, password)}"}
            for target, headers in ((api.url, direct), (web.url, hop)):
                assert httpx.get(target + PATH, headers=headers).status_code == 200
                wrk.run(target + PATH, connections=8, threads=2, duration_s=2, headers=headers)
            results: dict[str, Any] = {}
            for label, target, headers in (("api", api.url, direct), ("web", web.url, hop)):
                console.print(f"{label}: {args.connections} connections, {args.duration} s…")
                loaded = wrk.run(
                    target + PATH,
                    connections=args.connections,
                    threads=2,
                    duration_s=args.duration,
                    headers=headers,
                )
                console.print(f"{label}: 1 connection, {args.duration} s…")
                single = wrk.run(
                    target + PATH,
                    connections=1,
                    threads=1,
                    duration_s=args.duration,
                    headers=headers,
                )
                results[label] = {"loaded": loaded.to_json(), "single": single.to_json()}
        return results
    finally:
        asyncio.run(database.drop_database(admin_url, name))


def report(results: dict[str, Any]) -> dict[str, float]:
    api, web = results["api"], results["web"]
    ratio = web["loaded"]["requests_per_second"] / api["loaded"]["requests_per_second"]
    added = web["single"]["p50_ms"] - api["single"]["p50_ms"]
    table = Table(title=f"GET {PATH}: through the render server vs straight to the API")
    table.add_column("path")
    table.add_column("req/s (64 conn)", justify="right")
    table.add_column("p50 / p99 (64 conn)", justify="right")
    table.add_column("p50 (1 conn)", justify="right")
    for label, row in (("API directly", api), ("render server -> API", web)):
        table.add_row(
            label,
            f"{row['loaded']['requests_per_second']:.0f}",
            f"{row['loaded']['p50_ms']:.2f} / {row['loaded']['p99_ms']:.2f} ms",
            f"{row['single']['p50_ms']:.2f} ms",
        )
    console.print(table)
    console.print(f"throughput ratio (render server / API): [bold]{ratio:.2f}[/]")
    console.print(f"added p50 at one connection: [bold]{added:.2f} ms[/] (aim: < 1.5 ms)")
    console.print(
        "[dim]One machine, 2 cores: wrk, both servers and PostgreSQL share them; the ratio is "
        "the figure to compare across machines.[/]"
    )
    return {"throughput_ratio": ratio, "added_p50_ms": added}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--movies", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CINEPASS_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args(argv)
    if wrk.wrk_path() is None:
        console.print("[red]wrk is not installed:[/] apt-get install wrk")
        return 2
    results = measure(args)
    summary = report(results)
    (OUT / "web_hop.json").write_text(json.dumps({**results, **summary}, indent=2))
    console.print(f"[dim]figures written to {OUT / 'web_hop.json'}[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
