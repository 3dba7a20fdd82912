"""The outgoing mail table: the queue each API process sends from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class OutgoingMail(IdMixin, CreatedAtMixin, Base):
    """A mail to send. Its message (links with live tokens) is sealed at rest and dropped once
    sent; recipient, subject and the delivery record stay for `cinepass mail list`."""

    __tablename__ = "outgoing_mail"
    # Only what is still to send: the senders' query stays small however much mail was sent.
    __table_args__ = (
        Index(
            "ix_outgoing_mail_due",
            "next_attempt_at",
            sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(255))
    sealed_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When it is next due; a sender claims a mail by moving this forward (a lease).
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)

    @property
    def status(self) -> str:
        """queued (due, or waiting to be tried again), sent, or failed (given up)."""
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "queued"
