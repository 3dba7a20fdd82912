"""A local SMTP server that hands each message it receives to a callback (aiosmtpd in a thread,
on loopback): `cinepass up` shows mail with it, and the tests read theirs."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from cinepass.mail.messages import parse

_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class ReceivedMail:
    envelope_from: str
    envelope_to: tuple[str, ...]
    raw: bytes
    message: EmailMessage

    @classmethod
    def parse(cls, envelope_from: str, envelope_to: list[str], raw: bytes) -> ReceivedMail:
        return cls(envelope_from, tuple(envelope_to), raw, parse(raw))

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def text(self) -> str:
        return self._body("plain")

    @property
    def html(self) -> str:
        return self._body("html")

    @property
    def links(self) -> list[str]:
        """The lines of the text body that are a link, in order."""
        return [line.strip() for line in self.text.splitlines() if _LINK.fullmatch(line.strip())]

    def link(self, path: str) -> str:
        """The first link to `path` (e.g. "/reset-password") in the text body."""
        for link in self.links:
            if urlsplit(link).path == path:
                return link
        raise LookupError(f"no link to {path} in {self.links}")

    def _body(self, subtype: str) -> str:
        part = self.message.get_body((subtype,))
        return str(part.get_content()) if isinstance(part, EmailMessage) else ""


class _Handler:
    def __init__(self, on_mail: Callable[[ReceivedMail], None]):
        self.on_mail = on_mail

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or b""
        self.on_mail(ReceivedMail.parse(envelope.mail_from or "", envelope.rcpt_tos, raw))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalSmtpServer:
    """aiosmtpd on 127.0.0.1 with SMTPUTF8, on `port` or a free one; `options` go to aiosmtpd
    (`ssl_context` for SMTPS, or SMTP's: `tls_context`, `authenticator`, ...)."""

    def __init__(
        self, on_mail: Callable[[ReceivedMail], None], port: int | None = None, **options: Any
    ):
        self.port = port or _free_port()
        self._handler = _Handler(on_mail)
        self._options = options
        self._controller: Controller | None = None
        scheme = "smtps" if options.get("ssl_context") else "smtp"
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> LocalSmtpServer:
        # Made here: a controller owns an event loop from its birth.
        self._controller = Controller(
            self._handler, hostname="127.0.0.1", port=self.port, **self._options
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
