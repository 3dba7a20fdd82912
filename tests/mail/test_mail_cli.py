"""The operator's side, with `cinepass api` and `cinepass mail` run as a user runs them: mail that
keeps failing is logged, listed and sent again; without an SMTP URL mail becomes files."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cinepass.mail.catcher import LocalSmtpServer
from cinepass.mail.letters import LetterKind
from cinepass.mail.messages import parse
from tests.cli.conftest import COMMAND, Cli, assert_clear_failure
from tests.conftest import KEY_ENCRYPTION_KEY
from tests.mail.conftest import LINKS, letter, mail_settings, queue, row, unique_address
from tests.mail_inbox import Inbox
from tests.support import Database, eventually, free_port


@pytest.fixture
def cli(mail_database: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    env = {
        "CINEPASS_DATABASE_URL": mail_database,
        "CINEPASS_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
    }
    return Cli(tmp_path, env, tmp_path_factory.getbasetemp() / "pycache")


class ApiProcess:
    """`cinepass api` in `cli`'s directory and environment; its log read as JSON lines."""

    def __init__(self, cli: Cli, **variables: str):
        self.cli = cli
        self.variables = variables
        self.log = cli.cwd / f"api-{free_port()}.log"

    @contextlib.contextmanager
    def running(self) -> Iterator[ApiProcess]:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CINEPASS_")}
        env.update(
            self.cli.env,
            CINEPASS_LOG_FORMAT="json",
            CINEPASS_LOG_LEVEL="INFO",
            CINEPASS_MAIL_POLL_SECONDS="0.1",
            CINEPASS_MAIL_RETRY_SECONDS="0.1",
            **self.variables,
        )
        with self.log.open("w") as out:
            process = subprocess.Popen(
                [*COMMAND, "api", "--port", str(port)],
                cwd=self.cli.cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                eventually(lambda: self._ready(port, process), seconds=60)
                yield self
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)

    def _ready(self, port: int, process: subprocess.Popen[bytes]) -> bool:
        assert process.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def events(self, event: str) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        found = [json.loads(line) for line in lines if line.startswith("{")]
        return [e for e in found if e.get("event") == event]


def _line_of(output: str, mail_id: str) -> str:
    (line,) = [line for line in output.splitlines() if mail_id in line]
    return line


def test_a_mail_that_keeps_failing_is_given_up_logged_listed_and_sent_by_retry(
    mail_database: str, cli: Cli, inbox: Inbox
) -> None:
    port = free_port()
    to = unique_address("correo.es", local="ñandú")
    api = ApiProcess(
        cli, CINEPASS_SMTP_URL=f"smtp://127.0.0.1:{port}", CINEPASS_MAIL_MAX_ATTEMPTS="2"
    )
    with api.running():
        queue(mail_settings(mail_database), letter(LetterKind.PASSWORD_RESET, to, "Íñigo 🎬"))
        mail_id = row(mail_database, to)["id"]
        given_up = eventually(
            lambda: [e for e in api.events("mail given up") if e["mail_id"] == mail_id],
            seconds=15,
        )
        assert given_up[0]["level"] == "error"
        assert given_up[0]["kind"] == "password_reset"
        assert "cinepass mail list --failed" in given_up[0]["hint"]
        assert "cinepass mail retry" in given_up[0]["hint"]
        assert to not in api.log.read_text(), "no recipient in the failure logs"

        failed = _line_of(cli.ok("mail", "list", "--failed").stdout, mail_id)
        for shown in (to, "Reset your cinepass password", "password_reset", "failed", " 2 "):
            assert shown in failed, (shown, failed)
        assert "Connect" in failed, failed

        with LocalSmtpServer(inbox.receive, port=port):
            retried = cli.ok("mail", "retry", mail_id)
            assert f"queued again password_reset to {to}" in retried.stdout
            mail = inbox.wait_for(to, LetterKind.PASSWORD_RESET)
            eventually(lambda: row(mail_database, to)["sent_at"])
    assert mail.link("/reset-password") == LINKS[LetterKind.PASSWORD_RESET]["link"]
    assert " sent " in _line_of(cli.ok("mail", "list").stdout, mail_id)
    assert mail_id not in cli.ok("mail", "list", "--failed").stdout


def test_retry_takes_one_id_or_every_failed_mail_and_refuses_a_sent_one(
    mail_database: str, cli: Cli
) -> None:
    settings = mail_settings(mail_database)
    failing = [unique_address() for _ in range(2)]
    sent = unique_address()
    queue(settings, *(letter(to_email=a) for a in [*failing, sent]))
    db = Database(mail_database)
    for address in failing:
        db.query(
            "UPDATE outgoing_mail SET failed_at = created_at, attempts = 8, last_error = 'x'"
            " WHERE recipient = :r",
            r=address,
        )
    db.query("UPDATE outgoing_mail SET sent_at = created_at WHERE recipient = :r", r=sent)

    assert_clear_failure(cli("mail", "retry"), "cinepass mail list --failed")
    assert_clear_failure(cli("mail", "retry", "nope", "--all-failed"), "--failed")
    unknown = assert_clear_failure(cli("mail", "retry", "nope"), "cinepass mail list")
    assert "there is no mail nope" in unknown
    result = cli("mail", "retry", row(mail_database, sent)["id"])
    assert result.code == 1, result
    assert "was sent already" in result.stderr

    assert "queued again" in cli.ok("mail", "retry", "--all-failed").stdout
    for address in failing:
        again = row(mail_database, address)
        assert (again["failed_at"], again["attempts"]) == (None, 0)


def test_without_an_smtp_url_mail_is_written_to_private_files_and_logged(
    mail_database: str, cli: Cli, tmp_path: Path
) -> None:
    directory = tmp_path / "mail-files"
    to = unique_address("bücher.de")
    api = ApiProcess(cli, CINEPASS_MAIL_DIR=str(directory))
    with api.running():
        (started,) = api.events("CINEPASS_SMTP_URL is unset: mail is written to files, not sent")
        assert started["directory"] == str(directory)
        queue(mail_settings(mail_database), letter(LetterKind.VERIFY_EMAIL, to, "Zoë"))
        mail_id = row(mail_database, to)["id"]
        (path,) = eventually(lambda: list(directory.glob(f"*-{mail_id}.eml")))
        written = eventually(lambda: api.events("mail written to a file"))
    assert (path.stat().st_mode & 0o777) == 0o600
    message = parse(path.read_bytes())  # headers in UTF-8 (RFC 6532), as kept
    assert message["To"].addresses[0].addr_spec == to
    assert message["Subject"] == "Confirm your email address"
    assert any(e["to"] == to and e["subject"] == message["Subject"] for e in written)
    kept = row(mail_database, to)
    assert kept["sent_at"] is not None
    assert kept["sealed_message"] is None


def test_a_bad_smtp_url_stops_a_command_naming_the_variable_and_the_accepted_forms(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bare_cli = Cli(tmp_path, {}, tmp_path_factory.getbasetemp() / "pycache")
    result = bare_cli(
        "mail", "list", CINEPASS_SMTP_URL="smtp+ssl://ana:contraseña-secreta@mail.example"
    )
    error = assert_clear_failure(result, "environment variable")
    assert error.startswith("error: invalid setting: CINEPASS_SMTP_URL: ")
    for form in ("smtp://", "smtp+starttls://", "smtps://"):
        assert form in error
    assert "contraseña-secreta" not in result.output
