"""Start a real OpenID Provider (npm `oidc-provider`, see provider.mjs) on loopback for a test.

    with running_provider(
        clients=[{"client_id": "cinepass", "client_secret": "s3cret",
                  "redirect_uris": ["http://127.0.0.1:8000/auth/oidc/callback"]}],
        accounts=[{"sub": "ada", "email": "ada@example.com", "name": "Ada Lovelace"}],
    ) as op:
        op.issuer  # "http://127.0.0.1:<port>", discovery under /.well-known/openid-configuration

The browser steps on the provider's pages are in README.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tests.support import free_port, unavailable

HERE = Path(__file__).resolve().parent
READY_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Provider:
    issuer: str
    port: int


def _node_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        unavailable(
            "Node.js",
            "node and npm must be on PATH to run the test OpenID Provider in tests/oidc_provider",
        )
    assert node is not None
    assert npm is not None
    return node, npm


def _install_is_current() -> bool:
    # `npm ci` writes node_modules/.package-lock.json; it is older than the lockfile after a change.
    installed = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    return installed.is_file() and installed.stat().st_mtime >= lock.stat().st_mtime


def ensure_installed() -> Path:
    """Install the provider's npm dependencies (`npm ci`) when missing or stale; return its dir."""
    _, npm = _node_tools()
    if _install_is_current():
        return HERE
    # Two test sessions must not run `npm ci` (which first deletes node_modules) at once.
    tag = hashlib.sha256(str(HERE).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"cinepass-oidc-provider-{tag}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _install_is_current():
            print("tests/oidc_provider: npm ci (installing oidc-provider)", file=sys.stderr)
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=HERE,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
                unavailable("oidc-provider", f"npm ci failed in {HERE}: {' | '.join(tail)}")
    return HERE


def _read(file: IO[bytes]) -> str:
    return os.pread(file.fileno(), 1 << 20, 0).decode(errors="replace")


@contextlib.contextmanager
def running_provider(
    clients: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    *,
    auto_consent: bool = True,
    issuer_host: str = "127.0.0.1",
) -> Iterator[Provider]:
    """Run provider.mjs on a free loopback port until the block exits.

    clients: [{client_id, client_secret, redirect_uris, ...more client metadata}]
    accounts: [{sub, email, name, email_verified?}] (email_verified defaults to true)
    auto_consent=False shows the consent page ("Authorize" / "Continue") on a first sign-in.
    issuer_host="localhost" puts the provider on another *site* than an app on 127.0.0.1 (it
    still listens on 127.0.0.1 only): browsers ignore ports, so 127.0.0.1:A and 127.0.0.1:B are
    same-site, and SameSite=Strict cookies would come back with the provider's redirect.
    """
    node, _ = _node_tools()
    directory = ensure_installed()
    port = free_port()
    issuer = f"http://{issuer_host}:{port}"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "OIDC_AUTO_CONSENT": "1" if auto_consent else "0",
    }
    # Files, not pipes: nobody has to drain them while the tests run.
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        subprocess.Popen(
            [node, "provider.mjs"],
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        ) as process,
    ):
        try:
            deadline = time.monotonic() + READY_TIMEOUT_SECONDS
            while f"READY {issuer}" not in _read(out):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the OpenID Provider exited with {process.returncode} before it was "
                        f"ready:\n{_read(err).strip()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the OpenID Provider was not ready within {READY_TIMEOUT_SECONDS:.0f}s:\n"
                        f"{_read(err).strip()}"
                    )
                time.sleep(0.02)
            yield Provider(issuer=issuer, port=port)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
