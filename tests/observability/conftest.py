"""`cinepass api` and `cinepass web` as real processes, each logging JSON lines to a file."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from cinepass.config import Settings
from tests.conftest import KEY_ENCRYPTION_KEY, Accounts, provision
from tests.support import built_spa, free_port, run
from tests.topology.services import CINEPASS, REDIS_URL, redis_client
from tests.web.conftest import new_cookie_key, web, web_static  # noqa: F401 - the render server fixtures


class Process:
    """One `cinepass api|web` on a loopback port, stopped (SIGTERM) on leaving."""

    def __init__(
        self, command: str, env: Mapping[str, str], workdir: Path, *args: str, port: int = 0
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{command}-{self.port}.log"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("CINEPASS_")}
        child_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        child_env.update(env)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*CINEPASS, command, "--port", str(self.port), *args],
                cwd=workdir,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, path: str, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url} exited:\n{self.log()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}{path}", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.url}{path} not ready in {seconds}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines of its log (uvicorn's own lines are not JSON and are left out)."""
        lines = []
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    lines.append(value)
        return lines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextlib.contextmanager
def started(
    command: str, env: Mapping[str, str], workdir: Path, *args: str, ready: str, port: int = 0
) -> Iterator[Process]:
    process = Process(command, env, workdir, *args, port=port)
    try:
        process.wait_ready(ready)
        yield process
    finally:
        process.stop()


def api_env(settings: Settings, **extra: str) -> dict[str, str]:
    """What `cinepass api` on the suite's database needs; limits on Redis, shared by workers."""
    redis_client(REDIS_URL).close()
    return {
        "CINEPASS_DATABASE_URL": settings.database.url,
        "CINEPASS_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
        "CINEPASS_TOKEN_ISSUER": "http://cinepass.test",
        "CINEPASS_REDIS_URL": REDIS_URL,
        "CINEPASS_REVOCATION_POLL_SECONDS": "0.2",
        "CINEPASS_SIGNUP_PER_ADDRESS": "1000 per minute",
        "CINEPASS_SIGNIN_FAILURES_PER_ADDRESS": "1000 per minute",
        "CINEPASS_SIGNIN_FAILURES_PER_ACCOUNT": "2 per minute",
        "CINEPASS_LOG_FORMAT": "json",
        "CINEPASS_MAIL_DIR": "mail",
        **extra,
    }


def web_env(api: Process, accounts: Accounts, port: int, **extra: str) -> dict[str, str]:
    """What `cinepass web` on `port` in front of `api` needs."""
    return {
        "CINEPASS_WEB_ORIGIN": f"http://127.0.0.1:{port}",
        "CINEPASS_API_URL": api.url,
        "CINEPASS_PUBLIC_API_KEY": accounts.public_key,
        "CINEPASS_WEB_SESSION_KEYS": json.dumps([new_cookie_key()]),
        "CINEPASS_WEB_STATIC_DIR": str(built_spa()),
        "CINEPASS_LOG_FORMAT": "json",
        **extra,
    }


@pytest.fixture
def accounts(settings: Settings) -> Accounts:
    provisioned: Accounts = run(provision(settings))
    return provisioned
