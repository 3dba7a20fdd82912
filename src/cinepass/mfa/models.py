"""Tables of the second factor: each account's TOTP secret and its recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class TotpSecret(CreatedAtMixin, Base):
    """An account's authenticator-app secret, sealed with the key-encryption key (SECURITY.md
    row 50). Unconfirmed until a first code proves the app has it."""

    __tablename__ = "totp_secrets"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sealed_secret: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # The newest time step a code was accepted for: a code of it or an older step is a replay.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger, default=None)


class RecoveryCode(IdMixin, CreatedAtMixin, Base):
    """One single-use recovery code: a lookup part kept plain, the secret part kept only as a
    salted password hash (ASVS 5.0 6.5.2: under 112 bits of entropy)."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    lookup: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
