"""The challenges table: one row per started flow (a second-factor step, a passkey ceremony)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class Flow(enum.StrEnum):
    # A sign-in whose first factor was right, waiting for its second (TOTP or recovery code).
    SECOND_FACTOR = "second_factor"
    PASSKEY_SIGN_IN = "passkey_sign_in"
    PASSKEY_REGISTRATION = "passkey_registration"


class Challenge(IdMixin, CreatedAtMixin, Base):
    """A flow's state between its two requests. The client holds a random handle; only the
    handle's digest is stored. Serves only its own flow, once, until `expires_at`."""

    __tablename__ = "challenges"

    flow: Mapped[Flow] = mapped_column(
        Enum(Flow, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    # Whose flow it is, where the flow knows (a passkey sign-in does not until it ends).
    user_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    # The client that started it: only that client may finish it.
    api_key_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("api_keys.id", ondelete="CASCADE"), default=None
    )
    # What the flow needs at its end (a WebAuthn challenge, remember-me, the first factor).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
