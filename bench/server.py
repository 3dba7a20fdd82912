"""The servers under test: `cinepass api` and `cinepass web` as separate processes."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cinepass_command() -> list[str]:
    """The `cinepass` script next to this interpreter (the project's venv)."""
    script = Path(sys.executable).parent / "cinepass"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cinepass.cli.main import main; main()"]


class ServerError(RuntimeError):
    pass


class ApiServer:
    """`cinepass api --port N --workers W` on loopback; its output goes to `log_path`."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int,
        log_path: Path,
        env: dict[str, str] | None = None,
        bare: bool = False,
        forward_to: str | None = None,
        hasher: bool = False,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        # Served by the same uvicorn options instead of the API: bare, bench.bare_asgi;
        # hasher, bench.bare_hasher; forward_to, bench.bare_forwarder in front of that server.
        command = [*cinepass_command(), "api"]
        if bare:
            command = [sys.executable, "-m", "bench.bare_asgi"]
        if hasher:
            command = [sys.executable, "-m", "bench.bare_hasher"]
        if forward_to is not None:
            command = [sys.executable, "-m", "bench.bare_forwarder"]
            env = {**(env or {}), "BENCH_FORWARD_TO": forward_to}
        self.args = [
            *command,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        self.env = {
            **os.environ,
            "CINEPASS_DATABASE_URL": database_url,
            "CINEPASS_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def start(self, timeout_s: float = 60.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.args,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that stop() reaches workers
        )
        deadline = time.monotonic() + timeout_s
        with httpx.Client(base_url=self.url, timeout=2.0) as http:
            while True:
                if self._process.poll() is not None:
                    raise ServerError(
                        f"the API server exited with {self._process.returncode}; "
                        f"see {self.log_path}:\n{self._tail()}"
                    )
                try:
                    if http.get("/ready").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise ServerError(f"the API server did not become ready; see {self.log_path}")
                time.sleep(0.1)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def _tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> ApiServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class WebServer:
    """`cinepass web` on loopback in front of `api_url`; its output goes to `log_path`."""

    def __init__(self, api_url: str, public_key: str, log_path: Path) -> None:
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
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
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
        self.__exit__()
        raise ServerError(f"the render server did not start; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)
