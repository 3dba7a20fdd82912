"""`cinepass up`, the job behind `make run`: everything starts, the demo works, mail shows in the
console and under var/mail, Ctrl-C stops it."""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import IO

import httpx

from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import LiveServer, built_spa, eventually, free_port


def _keep_reading(stream: IO[str], lines: list[str]) -> threading.Thread:
    """Collect what `cinepass up` prints after its banner, without blocking the test."""

    def read() -> None:
        for line in stream:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def _send_mail(smtp_url: str, link: str) -> None:
    host, port = smtp_url.removeprefix("smtp://").split(":")
    message = EmailMessage()
    message["From"] = "cinepass <no-reply@cinepass.localhost>"
    message["To"] = Address("Íñigo 🎬", "ñandú", "correo.es")
    message["Subject"] = "Confirma tu dirección, Íñigo"
    message.set_content(f"Hola Íñigo,\n\n{link}\n\nGracias.\n")
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        smtp.send_message(message)


def test_up_starts_both_servers_prints_the_demo_account_and_mail_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    """Ctrl-C as a terminal sends it, to the whole process group: each server stops once,
    with one line each and no traceback, and `cinepass up` exits 0."""
    spa = built_spa()
    api_port, web_port, metrics_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CINEPASS_")}
    env.update(CINEPASS_WEB_STATIC_DIR=str(spa), CINEPASS_LOG_LEVEL="WARNING", NO_COLOR="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cinepass",
            "up",
            "--api-port",
            str(api_port),
            "--web-port",
            str(web_port),
            "--metrics-port",
            str(metrics_port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A group of its own, as a shell's job: the test's Ctrl-C goes to it and its children.
        process_group=0,
    )
    after: list[str] = []
    reader: threading.Thread | None = None
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or process.poll() is not None:
                break
        banner = "".join(lines)
        # localhost, not 127.0.0.1: passkeys need a domain.
        assert f"open http://localhost:{web_port}" in banner, banner
        found = re.search(r"demo account: (\S+)\s+password: (\S+)", banner)
        assert found, banner
        email, password = found.groups()

        web = f"http://localhost:{web_port}"
        signed = httpx.post(
            f"{web}/auth/sign-in",
            json={"email": email, "password": password},
            headers={"X-Cinepass-CSRF": "1", "Origin": web},
        )
        assert signed.status_code == 200, signed.text
        cookie = signed.headers["set-cookie"].split(";", 1)[0]
        movies = httpx.get(f"{web}/api/movies", headers={"Cookie": cookie}).json()
        assert len(movies["data"]) == 20, "the demo catalogue is seeded"
        assert movies["data"][0]["cover"].startswith(f"{web}/posters/")
        poster = httpx.get(movies["data"][0]["cover"])
        assert poster.headers["content-type"].startswith("image/svg+xml")
        page = httpx.get(web)
        assert page.status_code == 200
        assert '<div id="root">' in page.text, "the built SPA is served"
        assert (tmp_path / "var" / "demo.json").stat().st_mode & 0o077 == 0, "secrets are private"
        render_key = json.loads((tmp_path / "var" / "demo.json").read_text())["public_api_key"]
        keyed = httpx.post(
            f"http://127.0.0.1:{api_port}/api/auth/sign-in",
            auth=(email, password),
            json={"apiKeyToken": render_key},
        )
        assert "refreshToken" in keyed.json(), "the render server's key is a `web` key"

        # Each server's metrics on a loopback listener of its own, as the banner says.
        api_metrics = f"http://127.0.0.1:{metrics_port}/metrics"
        web_metrics = f"http://127.0.0.1:{metrics_port + 1}/metrics"
        assert f"metrics: API {api_metrics}  render server {web_metrics}" in banner, banner
        assert 'cinepass_sign_ins_total{outcome="success"} 2.0' in httpx.get(api_metrics).text
        assert (
            'cinepass_api_hop_duration_seconds_count{method="GET"}' in httpx.get(web_metrics).text
        )

        smtp_url = re.search(r"local SMTP server: (smtp://127\.0\.0\.1:\d+)", banner)
        assert smtp_url, banner
        reader = _keep_reading(process.stdout, after)
        link = f"{web}/verify-email#token=abc-ñ-123"
        _send_mail(smtp_url.group(1), link)
        eventually(lambda: any(link in line for line in after), seconds=10)
        shown = "".join(after)
        assert "mail to ñandú@correo.es: Confirma tu dirección, Íñigo" in shown, shown
        assert f"  {link}\n" in shown, "each link on a line of its own"
        (kept,) = (tmp_path / "var" / "mail").glob("*-1.eml")
        assert kept.stat().st_mode & 0o077 == 0, "mail holds live links: private"
        assert link.encode() in kept.read_bytes()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=30)
        if reader is not None:
            reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    stopping = "".join(after)
    assert code == 0, stopping
    assert "Traceback" not in stopping, stopping
    assert stopping.endswith("stopping…\nAPI server stopped\nrender server stopped\n"), stopping
    for port in (api_port, web_port):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            raise AssertionError(f"a server still answers on {port}")
        except httpx.TransportError:
            pass


def test_up_refuses_a_port_already_in_use_before_starting_anything(bare_cli: Cli) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = bare_cli("up", "--web-port", str(port), "--api-port", str(free_port()))
    error = assert_clear_failure(result, "--web-port")
    assert f"port {port}" in error
    assert "running" not in result.output


def test_a_second_up_says_cinepass_is_already_running_before_starting_anything(
    bare_cli: Cli, live_api: LiveServer
) -> None:
    web_port = free_port()
    result = bare_cli("up", "--api-port", str(live_api.port), "--web-port", str(web_port))
    error = assert_clear_failure(result, f"http://localhost:{web_port}", "Ctrl-C", "--api-port")
    assert "cinepass is already running" in error
    assert f"port {live_api.port}" in error
    assert "cinepass is running" not in result.output
    assert not (bare_cli.cwd / "var").exists(), "nothing was migrated or seeded"
