"""The users table."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class Role(enum.StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased email: uniqueness is case-insensitive on every database.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.USER,
    )
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the owner proved the address (a link we mailed, a reset, a provider that vouches);
    # None until then. Changing the email clears it.
    email_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # When the owner turned on a second factor (cinepass.mfa): a sign-in by one factor then
    # stops at a challenge for the second.
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
