"""Delivery: each API process sends the queue's due mail in the background.

A process claims a mail before sending it, by moving its `next_attempt_at` past the time the
conversation may take (a conditional UPDATE: one replica wins), so that replicas never send
one mail twice; a process that dies while sending leaves the mail due again once that passes.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass.config import MailSettings, Settings
from cinepass.db.base import utcnow
from cinepass.db.engine import session_scope
from cinepass.key_encryption import KeyDecryptionError, KeyEncryption
from cinepass.mail.models import OutgoingMail
from cinepass.mail.transports import MailFiles, Queued, Transport, transport
from cinepass.metrics import instruments as metrics

log = structlog.get_logger(__name__)

BATCH = 20
# Beyond the conversation itself, what a claim allows for reading and recording the mail.
LEASE_MARGIN = timedelta(seconds=60)
MAX_RETRY_DELAY = timedelta(days=1)
CLOSE_SECONDS = 5.0
HINT = (
    "see it with `cinepass mail list --failed`; once the mail server works again,"
    " `cinepass mail retry ID` (or `--all-failed`) sends it"
)

_PENDING = (OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None))


class MailDelivery:
    """The background task sending due mail every `poll_seconds`, with retries and backoff."""

    def __init__(
        self,
        settings: MailSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        encryption: KeyEncryption,
        transport: Transport,
    ):
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.encryption = encryption
        self.transport = transport
        self.lease = timedelta(seconds=settings.timeout_seconds) + LEASE_MARGIN
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        encryption: KeyEncryption | None = None,
    ) -> MailDelivery:
        return cls(
            settings.mail,
            sessionmaker,
            encryption or KeyEncryption.from_settings(settings),
            transport(settings.mail),
        )

    async def start(self) -> None:
        if isinstance(self.transport, MailFiles):
            log.warning(
                "CINEPASS_SMTP_URL is unset: mail is written to files, not sent",
                directory=str(self.transport.directory),
            )
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="cinepass-mail-delivery")

    async def close(self) -> None:
        """Stop, letting a conversation under way finish for a few seconds."""
        self._stopping.set()
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=CLOSE_SECONDS)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.deliver_due()
            except Exception as exc:  # outlive a database outage
                log.warning("mail delivery failed", error=f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.poll_seconds)

    async def deliver_due(self) -> int:
        """Send what is due now and not claimed by another process; how many were tried."""
        async with self.sessionmaker() as db:
            due = await db.scalars(
                select(OutgoingMail.id)
                .where(*_PENDING, OutgoingMail.next_attempt_at <= utcnow())
                .order_by(OutgoingMail.next_attempt_at)
                .limit(BATCH)
            )
            ids = list(due)
            waiting = await db.scalar(select(func.count()).where(*_PENDING))
        metrics.mail_queue_depth(waiting or 0)
        tried = 0
        for mail_id in ids:
            if self._stopping.is_set():
                break
            mail = await self._claim(mail_id)
            if mail is not None:
                await self._deliver(mail)
                tried += 1
        return tried

    async def _claim(self, mail_id: str) -> OutgoingMail | None:
        now = utcnow()
        async with session_scope(self.sessionmaker) as db:
            claimed = await db.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail_id, *_PENDING, OutgoingMail.next_attempt_at <= now)
                .values(next_attempt_at=now + self.lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return None  # another process was first
            return await db.get(OutgoingMail, mail_id)

    async def _deliver(self, mail: OutgoingMail) -> None:
        try:
            queued = Queued(
                id=mail.id,
                kind=mail.kind,
                recipient=mail.recipient,
                subject=mail.subject,
                created_at=mail.created_at,
                message=self._open(mail),
            )
            await asyncio.wait_for(self.transport.send(queued), self.settings.timeout_seconds)
        except Exception as exc:
            await self._failed(mail, exc)
        else:
            await self._record(
                mail.id, attempts=mail.attempts + 1, sent_at=utcnow(), sealed_message=None
            )

    def _open(self, mail: OutgoingMail) -> bytes:
        if mail.sealed_message is None:
            raise ValueError("the mail has no message")
        try:
            return self.encryption.open(mail.sealed_message, mail.id)
        except KeyDecryptionError:
            raise ValueError(
                "its message does not open with the configured key-encryption keys"
                " (CINEPASS_KEY_ENCRYPTION_KEY)"
            ) from None

    async def _failed(self, mail: OutgoingMail, exc: Exception) -> None:
        detail = str(exc)
        if not detail and isinstance(exc, TimeoutError):
            detail = "the conversation took longer than CINEPASS_SMTP_TIMEOUT_SECONDS"
        error = self.transport.scrub(f"{type(exc).__name__}: {detail}")[:500]
        attempts = mail.attempts + 1
        now = utcnow()
        if attempts >= self.settings.max_attempts:
            await self._record(mail.id, attempts=attempts, last_error=error, failed_at=now)
            log.error(
                "mail given up",
                mail_id=mail.id,
                kind=mail.kind,
                attempts=attempts,
                error=error,
                hint=HINT,
            )
            return
        delay = min(
            timedelta(seconds=self.settings.retry_seconds) * 2 ** min(attempts - 1, 32),
            MAX_RETRY_DELAY,
        )
        await self._record(
            mail.id, attempts=attempts, last_error=error, next_attempt_at=now + delay
        )
        log.warning(
            "mail not sent; it will be tried again",
            mail_id=mail.id,
            kind=mail.kind,
            attempts=attempts,
            retry_in_seconds=round(delay.total_seconds(), 1),
            error=error,
        )

    async def _record(self, mail_id: str, **values: Any) -> None:
        async with session_scope(self.sessionmaker) as db:
            await db.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
