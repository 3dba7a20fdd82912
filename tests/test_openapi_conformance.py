"""A schemathesis run with every check and every phase against the live API reports nothing.

The run is schemathesis' own CLI, as a user would run it, against a live API on the current
backend that also trusts a stand-in OpenID provider; tests/schemathesis_hooks.py gives each route
its credentials. Values no schema can describe are real ones: page cursors the server issued,
ID tokens the provider signed, identities linked to the admin, passkeys of the admin (made by the
software authenticator of tests/passkeys), the caller's current password, and mailed link tokens,
minted on demand (each works once) by a small server of this test that signs up a throwaway
account and reads its mail."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cinepass.config import Settings
from cinepass.mail.letters import LetterKind
from tests.mail_inbox import suite_inbox
from tests.oidc.conftest import ProviderApi, provider_api
from tests.passkeys.authenticator import Authenticator
from tests.support import Api, bearer

__all__ = ["provider_api"]  # the fixture of tests/oidc, used here too

ROOT = Path(__file__).resolve().parent.parent
# Cases per operation and phase: the run takes 30-70 s per backend on 2 busy cores.
MAX_EXAMPLES = int(os.environ.get("CINEPASS_FUZZ_EXAMPLES", "20"))
# Refusals of an invalid request besides 400: a body over the size limit is refused before it
# is parsed (413), a rate limit answers 429, and so on.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
THROWAWAY_PASSWORD = "a throwaway password for fuzzing"


def _cursors(api: Api, token: str) -> list[str]:
    """`next` values the server issued: a cursor is opaque, so none can be generated."""
    for _ in range(3):
        api.create_movie(token, title=f"Fuzz {uuid.uuid4().hex[:8]}")
    cursors = []
    for limit in (1, 2):
        r = api.http.get("/api/movies", params={"limit": limit}, headers=bearer(token))
        cursors.append(r.json()["next"])
    return cursors


def _audit_cursors(api: Api, token: str) -> list[str]:
    """`next` values of the audit trail's pages (the sign-ins above made enough events)."""
    cursors = []
    for limit in (1, 2):
        r = api.http.get("/api/admin/audit", params={"limit": limit}, headers=bearer(token))
        cursors.append(r.json()["next"])
    return cursors


def _linked_identities(provider: ProviderApi, token: str, count: int) -> list[str]:
    """Provider identities linked to the admin, for the run to unlink."""
    for _ in range(count):
        assert provider.link(token, provider.issuer.id_token()).status_code == 201
    return [identity["id"] for identity in provider.identities(token)]


def _admin_passkeys(api: Api, token: str, origin: str, count: int) -> list[str]:
    """Passkeys of the admin, for the run to rename and remove (ids in a UUID's usual form)."""
    ids = []
    for _ in range(count):
        r = api.http.post("/api/auth/passkeys/registration", json={}, headers=bearer(token))
        ceremony, options = r.json()["data"]["ceremonyToken"], r.json()["data"]["options"]
        credential = Authenticator(rp_id=options["rp"]["id"], origin=origin).create(options)
        r = api.http.post(
            "/api/auth/passkeys",
            json={"ceremonyToken": ceremony, "credential": credential},
            headers=bearer(token),
        )
        assert r.status_code == 201, r.text
        ids.append(str(uuid.UUID(r.json()["data"]["id"])))
    return ids


def _mint_link_token(api: Api, kind: LetterKind) -> str:
    """A live token of a verification or reset mail, for a new throwaway account."""
    inbox = suite_inbox()[0]
    email = f"fuzz-link-{uuid.uuid4().hex[:12]}@example.com"
    api.sign_up(email, password=THROWAWAY_PASSWORD)
    mail = inbox.wait_for(email, LetterKind.VERIFY_EMAIL)
    if kind is LetterKind.PASSWORD_RESET:
        api.http.post(
            "/api/auth/password-reset", json={"email": email, "apiKeyToken": api.public_key}
        )
        mail = inbox.wait_for(email, LetterKind.PASSWORD_RESET)
    link = next(link for link in mail.links if "#token=" in link)
    return link.partition("#token=")[2]


@contextlib.contextmanager
def _link_token_mint(api: Api) -> Iterator[str]:
    """`GET <url>/verify_email` or `/password_reset`: a fresh link token, as text."""

    class Mint(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            token = _mint_link_token(api, LetterKind(self.path.strip("/"))).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Mint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _config(path: Path, provider: ProviderApi, web_origin: str) -> Path:
    api, token = provider.api, provider.api.admin_token()
    config = {
        "dictionaries": {
            "identities": _linked_identities(provider, token, 3),
            "passkeys": _admin_passkeys(api, token, web_origin, 5),
            "id-tokens": [provider.issuer.id_token() for _ in range(10)],
            "api-keys": [api.public_key, api.admin_key],
        },
        "parameters": {
            "path.identity_id": "identities",
            "path.passkey_id": "passkeys",
            "body.idToken": "id-tokens",
            "body.apiKeyToken": "api-keys",
        },
    }
    lines = [
        "[warnings]",
        "fail-on = true",
        "[checks.negative_data_rejection]",
        f"expected-statuses = {json.dumps(REJECTED)}",
    ]
    for name, values in config["dictionaries"].items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    lines.append("[parameters]")
    for key, dictionary in config["parameters"].items():
        lines.append(f"{json.dumps(key)} = {{ dictionary = {json.dumps(dictionary)} }}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_full_schemathesis_run_reports_nothing(
    provider_api: ProviderApi, settings: Settings, tmp_path: Path
) -> None:
    """Against an API that also trusts a stand-in provider, so that linking one can succeed."""
    api = provider_api.api
    document = tmp_path / "openapi.json"
    document.write_text(provider_api.http.get("/openapi.json").text)
    base_url = str(provider_api.http.base_url).rstrip("/")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(_config(tmp_path / "schemathesis.toml", provider_api, settings.web.origin)),
        "run",
        str(document),
        "--url",
        base_url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
    ]
    env = {
        **os.environ,
        "CINEPASS_FUZZ_CURSORS": json.dumps(_cursors(api, api.admin_token())),
        "CINEPASS_FUZZ_AUDIT_CURSORS": json.dumps(_audit_cursors(api, api.admin_token())),
        "PYTHONPATH": str(ROOT),
        "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
        "CINEPASS_FUZZ_API": base_url,
        "CINEPASS_FUZZ_EMAIL": api.admin_email,
        "CINEPASS_FUZZ_PASSWORD": api.admin_password,
        "CINEPASS_FUZZ_ADMIN_KEY": api.admin_key,
        "CINEPASS_FUZZ_PUBLIC_KEY": api.public_key,
        "CINEPASS_FUZZ_THROWAWAY_PASSWORD": THROWAWAY_PASSWORD,
        "CINEPASS_FUZZ_WEB_ORIGIN": settings.web.origin,
    }
    with _link_token_mint(api) as mint:
        env["CINEPASS_FUZZ_LINK_TOKENS"] = mint
        run = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
