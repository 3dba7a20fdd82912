"""The account tokens table: links we mailed (verify an email, reset a password)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class Purpose(enum.StrEnum):
    # Prove the account's address (sign-up, resend).
    VERIFY_EMAIL = "verify_email"
    # Prove a new address; using it makes it the account's email.
    CHANGE_EMAIL = "change_email"
    RESET_PASSWORD = "reset_password"


class AccountToken(IdMixin, CreatedAtMixin, Base):
    """One mailed token; only its digest is stored. Single-use, short-lived, bound to the
    address it was sent to, and void once the account's password or email changes."""

    __tablename__ = "account_tokens"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[Purpose] = mapped_column(
        Enum(Purpose, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The address it was sent to, as the users table keys it (email_key); for CHANGE_EMAIL
    # the new address, as typed (normalised).
    email: Mapped[str] = mapped_column(String(320))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
