"""SECURITY.md row 54: a media URL's signature is never logged, by either server.

Both servers run as a user would run them, `cinepass api --access-log` and `cinepass web
--access-log` at INFO, and serve signed URLs (whole, by Range, and refused); their output, read
afterwards, holds every request line but no signature."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import structlog

from cinepass.log_config import redact, redact_event
from cinepass.sealing import new_key
from tests.conftest import KEY_ENCRYPTION_KEY, SUITE_SETTINGS
from tests.media.conftest import PUBLIC_URL, MediaApi
from tests.support import Api, bearer, built_spa, free_port

_SCRIPT = Path(sys.executable).with_name("cinepass")
CINEPASS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cinepass.cli.main"]


@contextlib.contextmanager
def running(command: str, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """`cinepass <command> --access-log` on a free port until the block ends; its output in
    `log`. Yields its URL once /health answers."""
    port = free_port()
    child_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CINEPASS_") and k not in {"PYTHONWARNINGS", "FORCE_COLOR"}
    }
    child_env.update(env)
    if command == "web":
        child_env["CINEPASS_WEB_ORIGIN"] = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CINEPASS, command, "--port", str(port), "--access-log"],
            cwd=log.parent,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_security_row_54_no_signature_in_either_servers_logs(
    api: Api, media_api: MediaApi, tmp_path: Path
) -> None:
    user_id, token = api.new_user()
    movie_id, slug = media_api.film("Cría cuervos", 1976, ["drama"])
    mail: Mapping[str, object] = SUITE_SETTINGS["mail"]
    key = new_key()
    api_env = {
        "CINEPASS_DATABASE_URL": api.db.url,
        "CINEPASS_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
        "CINEPASS_TOKEN_ISSUER": "http://cinepass.test",
        "CINEPASS_PUBLIC_URL": PUBLIC_URL,
        "CINEPASS_MEDIA_DIR": str(tmp_path / "media"),
        "CINEPASS_MEDIA_URL_KEYS": key,
        # Mail queued by other tests goes where they expect it, not to files here.
        "CINEPASS_SMTP_URL": str(mail["smtp_url"]),
        "CINEPASS_LOG_LEVEL": "INFO",
        "CINEPASS_LOG_FORMAT": "json",
    }
    api_log, web_log = tmp_path / "api.log", tmp_path / "web.log"
    signatures: list[str] = []
    with running("api", api_env, api_log) as api_url:
        web_env = {
            "CINEPASS_API_URL": api_url,
            "CINEPASS_PUBLIC_API_KEY": api.public_key,
            "CINEPASS_WEB_SESSION_KEYS": json.dumps([new_key()]),
            "CINEPASS_WEB_STATIC_DIR": str(built_spa()),
            "CINEPASS_LOG_LEVEL": "INFO",
            "CINEPASS_LOG_FORMAT": "json",
        }
        with running("web", web_env, web_log) as web_url:
            r = httpx.get(f"{api_url}/api/movies/{movie_id}/playback", headers=bearer(token))
            assert r.status_code == 200, r.text
            url = r.json()["data"]["url"]
            query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            signatures.append(query["signature"])
            assert query["user"] == user_id
            tampered = f"/media/{slug}.mp4?" + urlencode({**query, "user": "alguien"})
            for base in (api_url, web_url):
                assert httpx.get(f"{base}{url}", timeout=30).status_code == 200
                ranged = httpx.get(f"{base}{url}", headers={"Range": "bytes=0-99"})
                assert ranged.status_code == 206
                assert httpx.get(f"{base}{tampered}").status_code == 403

    for log in (api_log, web_log):
        text = log.read_text()
        assert f"/media/{slug}.mp4?user={user_id}" in text, text
        assert "signature=[redacted]" in text, text
        for signature in signatures:
            assert signature not in text, log.name
    assert '"clip made"' in api_log.read_text()


def test_redaction_keeps_the_rest_of_the_line() -> None:
    line = 'GET /media/la-colmena-1982.mp4?user=u1&expires=99&signature=AbC-_9 HTTP/1.1" 206'
    assert redact(line) == (
        'GET /media/la-colmena-1982.mp4?user=u1&expires=99&signature=[redacted] HTTP/1.1" 206'
    )
    assert redact("?signature=x&user=ñandú") == "?signature=[redacted]&user=ñandú"
    assert redact("nothing signed here") == "nothing signed here"


def test_structlog_lines_show_no_signature() -> None:
    out = io.StringIO()
    log = structlog.wrap_logger(
        structlog.PrintLogger(out), processors=[redact_event, structlog.processors.JSONRenderer()]
    )
    log.warning("odd request", url="/media/el-sur-1983.mp4?user=u&expires=1&signature=s3cr3t")
    line = json.loads(out.getvalue())
    assert line["url"] == "/media/el-sur-1983.mp4?user=u&expires=1&signature=[redacted]"
