"""Real processes for the topology tests: API replicas, nginx, and a PostgreSQL of their own.

Every class here cleans up what it started, also when the test fails half-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import httpx
import redis

from cinepass.db import migrate
from tests.conftest import Accounts, make_settings, provision
from tests.support import free_port, unavailable

# The console script installed next to this interpreter, as a user would run it.
_SCRIPT = Path(sys.executable).with_name("cinepass")
CINEPASS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cinepass.cli.main"]

REDIS_URL = os.environ.get("CINEPASS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
# What a failed test shows beside its traceback: a name and a function that reads that log.
LogSources = dict[str, Callable[[], str]]

NGINX = os.environ.get("CINEPASS_TEST_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _child_env(overrides: Mapping[str, str]) -> dict[str, str]:
    """The runner's environment without its CINEPASS_* settings, plus `overrides`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CINEPASS_") and k not in {"PYTHONWARNINGS", "FORCE_COLOR"}
    }
    env.update(overrides)
    return env


class Replica:
    """`cinepass api` as a separate process on a loopback port; its output goes to a log file."""

    def __init__(self, name: str, env: Mapping[str, str], workdir: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self._env = _child_env(env)
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Replica:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [*CINEPASS, "api", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=self._workdir,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def wait_ready(self, seconds: float = 30.0) -> None:
        """Until GET /ready is 200; fails with the replica's log if it exits or stays unready."""
        deadline = time.monotonic() + seconds
        while True:
            if not self.alive:
                raise RuntimeError(f"replica {self.name} exited:\n{self.log()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"replica {self.name} not ready in {seconds}s:\n{self.log()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, in-flight requests die with the process."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        _terminate(self._process)

    def log(self) -> str:
        return _tail(self.log_path)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


_NGINX_CONF = """\
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 512;
}}

http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    upstream cinepass {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};

        location / {{
            proxy_pass http://cinepass;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            # Overwrite, never append: the client's own X-Forwarded-For is not believed.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 1s;
            proxy_read_timeout 15s;
        }}
    }}
}}
"""


class Nginx:
    """nginx in the foreground, round-robin over `upstreams` (host:port)."""

    def __init__(self, upstreams: list[str], workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = workdir / "nginx"
        self._upstreams = upstreams
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        if not (Path(NGINX).is_file() and os.access(NGINX, os.X_OK)):
            unavailable("nginx", f"no executable at {NGINX}; set CINEPASS_TEST_NGINX")
        self.dir.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"        server {u} max_fails=1 fail_timeout=10s;" for u in self._upstreams
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(
            _NGINX_CONF.format(
                # Workers of a root master would otherwise run as `nobody`, who cannot
                # enter pytest's private temporary directory.
                user="user root;\n" if os.geteuid() == 0 else "",
                dir=self.dir,
                servers=servers,
                port=self.port,
            )
        )
        with (self.dir / "stderr.log").open("wb") as stderr:
            self._process = subprocess.Popen(
                [
                    NGINX,
                    "-c",
                    str(conf),
                    "-p",
                    str(self.dir),
                    "-e",
                    str(self.dir / "error.log"),
                    "-g",
                    "daemon off;",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + 15
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.log()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer:\n{self.log()}")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        _terminate(self._process)

    def log(self) -> str:
        return _tail(self.dir / "stderr.log") + "\n" + _tail(self.dir / "error.log")


def _postgres_bin() -> Path | None:
    configured = os.environ.get("CINEPASS_TEST_PG_BIN")
    candidates = [Path(configured)] if configured else []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    installed = Path("/usr/lib/postgresql")
    if installed.is_dir():
        versions = [p for p in installed.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    for candidate in candidates:
        if (candidate / "pg_ctl").is_file() and (candidate / "initdb").is_file():
            return candidate
    return None


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb + pg_ctl), which it may stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"
        self.dir = Path(tempfile.mkdtemp(prefix="cinepass-pg-"))
        self.data = self.dir / "data"
        self._bin: Path | None = None
        self._as_postgres: list[str] = []

    def _run(self, *args: str, timeout: float = 60) -> None:
        assert self._bin is not None
        command = [*self._as_postgres, str(self._bin / args[0]), *args[1:]]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd=self.dir
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n"
                + _tail(self.dir / "postgres.log")
            )

    def __enter__(self) -> PostgresCluster:
        try:
            self._bin = _postgres_bin()
            if self._bin is None:
                unavailable("PostgreSQL's initdb and pg_ctl", "set CINEPASS_TEST_PG_BIN")
            if os.geteuid() == 0:
                # initdb refuses to run as root.
                runuser = shutil.which("runuser")
                try:
                    postgres = pwd.getpwnam("postgres")
                except KeyError:
                    postgres = None
                if runuser is None or postgres is None:
                    unavailable("a `postgres` user and runuser", "initdb refuses to run as root")
                assert postgres is not None
                assert runuser is not None
                os.chown(self.dir, postgres.pw_uid, postgres.pw_gid)
                self._as_postgres = [runuser, "-u", "postgres", "--"]
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            )
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "-t",
            "30",
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self._bin is not None and self.running:
            with contextlib.suppress(Exception):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def log(self) -> str:
        return _tail(self.dir / "postgres.log")


@contextlib.contextmanager
def replicas(count: int, env: Mapping[str, str], workdir: Path) -> Iterator[list[Replica]]:
    """`count` replicas started one after the other (each ready before the next), then stopped."""
    started: list[Replica] = []
    try:
        for i in range(count):
            replica = Replica(chr(ord("a") + i), env, workdir)
            started.append(replica.start())
            replica.wait_ready()
        yield started
    finally:
        for replica in started:
            replica.stop()


def prepare_database(database_url: str) -> Accounts:
    """Migrate the database and provision keys and an admin, as tests/conftest.py does."""
    settings = make_settings(database_url)
    migrate.upgrade(settings)
    accounts: Accounts = asyncio.run(provision(settings))
    return accounts


def redis_client(url: str) -> redis.Redis:
    """A client on `url`, or the test fails (CI) or skips (elsewhere) if Redis is not there."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        unavailable("Redis", f"{url}: {type(exc).__name__}: {exc}; set CINEPASS_TEST_REDIS_URL")
    return client


def reset_limits(url: str) -> None:
    """Forget every abuse-limit counter (not the revocations) in the tests' Redis database."""
    client = redis_client(url)
    try:
        keys = list(client.scan_iter(match="cinepass:limits*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
