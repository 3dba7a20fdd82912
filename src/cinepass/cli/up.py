"""`cinepass up`: the whole system on one machine: migrate, seed, API and render server, and a
local mail server that shows each mail."""

from __future__ import annotations

import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.api import API_TITLE
from cinepass.cli.runtime import console, fail, load_settings, with_session
from cinepass.cli.seed import seed
from cinepass.config import get_settings
from cinepass.db import migrate
from cinepass.mail.catcher import LocalSmtpServer, ReceivedMail
from cinepass.private_files import write_private
from cinepass.provisioning import Provisioner
from cinepass.scopes import PRESETS
from cinepass.users import service as users_service

DEMO_FILE = Path("var/demo.json")
DEMO_EMAIL = "demo@cinepass.test"
# The render server keeps refresh tokens sealed in its cookie, so its key holds offline_access.
RENDER_PRESET = "web"
# What the demo's key was made with: a preset that gained scopes (the admin console's) needs a
# new key, or the console would be refused by the API.
_RENDER_SCOPES = " ".join(PRESETS[RENDER_PRESET])


async def _create_render_key(setup: Provisioner) -> str:
    return await setup.api_key("render-server (demo)", PRESETS[RENDER_PRESET])


async def _create_demo(setup: Provisioner, db: AsyncSession) -> dict[str, str]:
    key = await _create_render_key(setup)
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    if await users_service.get_by_email(db, DEMO_EMAIL) is None:
        await setup.account(name="Demo Viewer", email=DEMO_EMAIL, password=password)
    return {
        "public_api_key": key,
        "preset": RENDER_PRESET,
        "scopes": _RENDER_SCOPES,
        "email": DEMO_EMAIL,
        "password": password,
    }


def _demo_secrets() -> dict[str, str]:
    """The demo's render-server key and account, made on the first run and kept in var/."""
    settings = load_settings()
    if DEMO_FILE.exists():
        data: dict[str, str] = json.loads(DEMO_FILE.read_text())
        if data.get("preset") == RENDER_PRESET and data.get("scopes") == _RENDER_SCOPES:
            return data
        # A demo made before the `web` preset holds a key without offline_access (its users
        # would be signed out with every access token), or before the preset held the admin
        # console's scopes. Give the render server a key of today's `web` preset.
        key = with_session(lambda db: _create_render_key(Provisioner(db, settings)))
        data = {**data, "public_api_key": key, "preset": RENDER_PRESET, "scopes": _RENDER_SCOPES}
    else:
        data = with_session(lambda db: _create_demo(Provisioner(db, settings), db))
    write_private(DEMO_FILE, json.dumps(data).encode())
    return data


class _ShownMail:
    """What the local mail server does with each message: keep it as
    `<mail dir>/<time>-<n>.eml` and print its recipient, subject and links."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._numbers = itertools.count(1)

    def __call__(self, mail: ReceivedMail) -> None:
        path = self.directory / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{next(self._numbers)}.eml"
        write_private(path, mail.raw)
        to = ", ".join(mail.envelope_to)
        console.print(f"[bold]mail[/] to {escape(to)}: {escape(mail.subject)}", soft_wrap=True)
        for link in mail.links:
            console.print(f"  {escape(link)}", soft_wrap=True, highlight=False)
        console.print(f"  [dim]{escape(str(path))}[/]", soft_wrap=True)


Server = tuple[str, subprocess.Popen[bytes]]


def _wait_ready(url: str, servers: list[Server], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(child.poll() is not None for _, child in servers):
            fail("a server stopped while starting; see its messages above")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    fail(f"{url} did not answer within {seconds:.0f} s")


def _start(name: str, arguments: list[str], environment: dict[str, str]) -> Server:
    # A process group of its own: the terminal's Ctrl-C reaches only `cinepass up`, which
    # stops each server once. A second signal would make uvicorn abort its shutdown midway.
    command = [sys.executable, "-m", "cinepass", *arguments]
    return name, subprocess.Popen(command, env=environment, process_group=0)  # noqa: S603


def _stop(servers: list[Server]) -> None:
    """Ask each server to stop (SIGTERM, as a service manager would), then say how it ended."""
    for _, child in servers:
        if child.poll() is None:
            child.terminate()
    for name, child in servers:
        try:
            code = child.wait(timeout=10)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            # Slow to stop, or a second Ctrl-C: no more waiting.
            child.kill()
            code = child.wait()
        # uvicorn ends by raising the signal it was stopped with again.
        clean = code in (0, -signal.SIGTERM)
        console.print(f"{name} stopped" if clean else f"{name} ended with exit code {code}")


def _is_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _is_cinepass_api(port: int) -> bool:
    try:
        document = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return False
    return isinstance(document, dict) and document.get("info", {}).get("title") == API_TITLE


def _check_free(api_port: int, web_port: int, metrics_ports: tuple[int, ...] = ()) -> None:
    """Fail before starting anything when a port is taken: another server (an earlier `cinepass
    up`, say) would otherwise answer the readiness checks in our servers' place."""
    if _is_taken(api_port) and _is_cinepass_api(api_port):
        fail(
            f"cinepass is already running: its API answers on port {api_port}"
            " (another `make run` or `cinepass up`)",
            f"open http://localhost:{web_port}, or stop it with Ctrl-C in its terminal; to run"
            " a second one, pass --api-port and --web-port with free ports",
        )
    options = [(api_port, "--api-port"), (web_port, "--web-port")]
    options += [(port, "--metrics-port") for port in metrics_ports]
    for port, option in options:
        if _is_taken(port):
            fail(
                f"port {port} on 127.0.0.1 is already in use",
                f"stop what listens there (another `cinepass up`?) or pass {option} with a"
                " free port",
            )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def up(
    demo: Annotated[bool, typer.Option(help="Create a demo account and key on first run")] = True,
    api_port: Annotated[int, typer.Option(help="API server port")] = 8000,
    web_port: Annotated[int, typer.Option(help="Render server port (open this one)")] = 8080,
    metrics_port: Annotated[
        int,
        typer.Option(
            help="The API's metrics listener on 127.0.0.1 (the render server's: the next port);"
            " 0 for none"
        ),
    ] = 9464,
) -> None:
    """Migrate, seed demo data on first run, and run the API and render server until Ctrl-C."""
    metrics_ports = (metrics_port, metrics_port + 1) if metrics_port else ()
    _check_free(api_port, web_port, metrics_ports)
    # What the browser opens: a name, not an address, since passkeys (WebAuthn) are bound to a
    # domain and never to an IP address. The servers listen on 127.0.0.1, where localhost goes.
    web_url = f"http://localhost:{web_port}"
    api_url = f"http://127.0.0.1:{api_port}"
    # Posters are linked on the render server's origin, the only one the browser talks to.
    os.environ.setdefault("CINEPASS_PUBLIC_URL", web_url)
    get_settings.cache_clear()
    settings = load_settings()
    migrate.upgrade(settings)

    demo_account: dict[str, Any] = {}
    public_key = (
        settings.web.public_api_key.get_secret_value() if settings.web.public_api_key else None
    )
    if public_key is None:
        if not demo:
            fail(
                "set CINEPASS_PUBLIC_API_KEY",
                "create one with `cinepass api-keys create --name render --preset web`",
            )
        demo_account = _demo_secrets()
        public_key = demo_account["public_api_key"]
    seed(movies=None)
    environment = {
        **os.environ,
        "CINEPASS_API_URL": api_url,
        "CINEPASS_WEB_ORIGIN": web_url,
        "CINEPASS_PUBLIC_URL": os.environ["CINEPASS_PUBLIC_URL"],
        "CINEPASS_PUBLIC_API_KEY": public_key,
        "CINEPASS_TOKEN_ISSUER": api_url,
        # The render server forwards each browser's address; the API believes only it.
        "CINEPASS_TRUSTED_PROXIES": '["127.0.0.1"]',
    }
    # No mail server of the user's: a local one shows every mail here.
    mail_server = None
    if settings.mail.smtp_url is None:
        mail_server = LocalSmtpServer(_ShownMail(settings.mail.directory)).start()
        environment["CINEPASS_SMTP_URL"] = mail_server.url
    # A service manager's SIGTERM stops both servers as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    metrics = [f"127.0.0.1:{port}" for port in metrics_ports] or ["", ""]
    servers = [
        _start(
            "API server",
            ["api", "--quiet", "--port", str(api_port)],
            {**environment, "CINEPASS_METRICS_ADDRESS": metrics[0]},
        ),
        _start(
            "render server",
            ["web", "--quiet", "--port", str(web_port)],
            {**environment, "CINEPASS_METRICS_ADDRESS": metrics[1]},
        ),
    ]
    try:
        _wait_ready(f"{api_url}/ready", servers)
        _wait_ready(f"http://127.0.0.1:{web_port}/health", servers)
        console.rule("[bold]cinepass is running")
        console.print(f"open [bold cyan]{web_url}[/]   (API: {api_url}/docs)")
        if metrics_ports:
            console.print(
                f"metrics: API http://{metrics[0]}/metrics"
                f"  render server http://{metrics[1]}/metrics",
                soft_wrap=True,
                highlight=False,
            )
        if demo_account:
            console.print(
                f"demo account: [bold]{demo_account['email']}[/]"
                f"  password: [bold]{demo_account['password']}[/]"
            )
        if mail_server is not None:
            console.print(
                f"mail: shown here and kept in {settings.mail.directory}/"
                f"  (local SMTP server: {mail_server.url})",
                soft_wrap=True,
            )
        console.print("[dim]Ctrl-C stops both servers[/]")
        while all(child.poll() is None for _, child in servers):
            time.sleep(0.5)
        fail("a server stopped unexpectedly; see its messages above")
    except KeyboardInterrupt:
        console.print("\nstopping…")
    finally:
        _stop(servers)
        if mail_server is not None:
            mail_server.stop()
