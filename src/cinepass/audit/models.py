"""The audit_events table: append-only; rows leave only by the retention prune."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, IdMixin, UtcDateTime


class AuditEvent(IdMixin, Base):
    """One thing that happened. `details` holds ids and plain facts, never a secret."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # Newest first, keyset-paged by (at, id); the filters narrow the same order.
        Index("ix_audit_events_at_id", "at", "id"),
        Index("ix_audit_events_actor_at", "actor_user_id", "at"),
        Index("ix_audit_events_action_at", "action", "at"),
    )

    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    actor_api_key_id: Mapped[str | None] = mapped_column(String(32), default=None)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32), default=None)
    target_id: Mapped[str | None] = mapped_column(String(320), default=None)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64), default=None)
    address: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
