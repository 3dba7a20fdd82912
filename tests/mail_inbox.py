"""The suite's mail server (aiosmtpd on loopback, started on first use) and the inbox that tests
read delivered mail from: `inbox.wait_for(address, LetterKind.PASSWORD_RESET).link(...)`."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping

from cinepass.mail.catcher import LocalSmtpServer, ReceivedMail
from cinepass.mail.letters import SUBJECTS, LetterKind

__all__ = ["Inbox", "ReceivedMail", "SuiteMailSettings", "suite_inbox"]


def _address_key(address: str) -> str:
    """One spelling for comparing addresses: the domain lower-case and in punycode."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii').lower()}"


class Inbox:
    """Every message a mail server received, for tests to wait for. Taking a mail
    (`wait_for`) removes it, so that a second `wait_for` waits for a second mail."""

    def __init__(self, keep: int = 2000) -> None:
        # The suite mails at every sign-up; a mail nobody took for this long is nobody's.
        self._mails: deque[ReceivedMail] = deque(maxlen=keep)
        self._arrived = threading.Condition()

    def receive(self, mail: ReceivedMail) -> None:
        with self._arrived:
            self._mails.append(mail)
            self._arrived.notify_all()

    def wait_for(
        self,
        to_email: str,
        kind_or_subject_fragment: LetterKind | str | None = None,
        timeout: float = 10.0,
    ) -> ReceivedMail:
        """The first mail (not yet taken) to `to_email`, of that kind or with that fragment
        in its subject; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = self._find(to_email, kind_or_subject_fragment)
                if found is not None:
                    self._mails.remove(found)
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no mail to {to_email} ({kind_or_subject_fragment or 'any'}) within"
                        f" {timeout} s; waiting: {[(m.envelope_to, m.subject) for m in self]}"
                    )
                self._arrived.wait(left)

    def none_for(self, to_email: str, within: float = 1.0) -> None:
        """Assert that no (other) mail to `to_email` arrives within `within` seconds."""
        time.sleep(within)
        with self._arrived:
            found = self._find(to_email, None)
        assert found is None, f"unexpected mail to {to_email}: {found.subject!r}"

    def _find(self, to_email: str, what: LetterKind | str | None) -> ReceivedMail | None:
        key = _address_key(to_email)
        for mail in self._mails:
            if key not in {_address_key(r) for r in mail.envelope_to}:
                continue
            if what is None:
                return mail
            if isinstance(what, LetterKind) and mail.subject == SUBJECTS[what]:
                return mail
            if not isinstance(what, LetterKind) and what in mail.subject:
                return mail
        return None

    def __iter__(self) -> Iterator[ReceivedMail]:
        return iter(list(self._mails))


@functools.cache
def suite_inbox() -> tuple[Inbox, LocalSmtpServer]:
    """The one mail server of this test session, started on first use."""
    inbox = Inbox()
    server = LocalSmtpServer(inbox.receive).start()
    atexit.register(server.stop)
    return inbox, server


@functools.cache
def _mail_directory() -> str:
    directory = tempfile.mkdtemp(prefix="cinepass-mail-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


class SuiteMailSettings(Mapping[str, object]):
    """`SUITE_SETTINGS["mail"]`: servers built by `make_settings` send to the suite's mail
    server, retry fast, and poll often. Read lazily, so the server starts on first use."""

    def _values(self) -> dict[str, object]:
        _, server = suite_inbox()
        return {
            "smtp_url": server.url,
            "poll_seconds": 0.1,
            "retry_seconds": 0.2,
            "directory": _mail_directory(),
        }

    def __getitem__(self, key: str) -> object:
        return self._values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())
