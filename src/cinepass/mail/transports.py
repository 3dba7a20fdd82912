"""Where delivery hands a message: an SMTP server (aiosmtplib), or .eml files without one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import structlog

from cinepass.config import MailSettings
from cinepass.mail.messages import for_server
from cinepass.private_files import write_private

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Queued:
    """One mail as delivery hands it over: its row's id and what the row says about it."""

    id: str
    kind: str
    recipient: str
    subject: str
    created_at: datetime
    message: bytes


class Transport(Protocol):
    description: str

    async def send(self, mail: Queued) -> None:
        """Hand `mail` over, or raise."""

    def scrub(self, text: str) -> str:
        """`text` (an error) without secrets, fit to store and log."""


class SmtpServer:
    """An SMTP server from a CINEPASS_SMTP_URL: smtp:// (plain), smtp+starttls://, smtps://."""

    def __init__(self, url: str, timeout_seconds: float):
        parts = urlsplit(url)
        self.hostname = parts.hostname or ""
        self.port = parts.port or MailSettings.SMTP_SCHEMES[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.use_tls = parts.scheme == "smtps"
        self.start_tls = parts.scheme == "smtp+starttls"
        self.timeout_seconds = timeout_seconds
        self.description = f"{parts.scheme}://{self.hostname}:{self.port}"

    async def send(self, mail: Queued) -> None:
        # A certificate is checked against the system's trust store (SSL_CERT_FILE for another).
        async with aiosmtplib.SMTP(
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout_seconds,
        ) as smtp:
            if smtp.is_ehlo_or_helo_needed:
                await smtp.ehlo()
            outgoing = for_server(
                mail.message, server_has_smtputf8=smtp.supports_extension("smtputf8")
            )
            await smtp.sendmail(
                outgoing.sender,
                [outgoing.recipient],
                outgoing.data,
                mail_options=["SMTPUTF8"] if outgoing.smtputf8 else [],
            )

    def scrub(self, text: str) -> str:
        """`text` (an error) without the password, should a server or library repeat it."""
        return text.replace(self.password, "***") if self.password else text


class MailFiles:
    """No SMTP server: each message becomes `<directory>/<created>-<id>.eml` (0600)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.description = f"files in {directory}"

    async def send(self, mail: Queued) -> None:
        path = self.directory / f"{mail.created_at:%Y%m%dT%H%M%SZ}-{mail.id}.eml"
        await asyncio.to_thread(write_private, path, mail.message)
        log.info("mail written to a file", to=mail.recipient, subject=mail.subject, path=str(path))

    def scrub(self, text: str) -> str:
        return text


def transport(settings: MailSettings) -> Transport:
    if settings.smtp_url is None:
        return MailFiles(settings.directory)
    return SmtpServer(settings.smtp_url.get_secret_value(), settings.timeout_seconds)
