"""The passkeys table: each account's WebAuthn credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class Passkey(IdMixin, CreatedAtMixin, Base):
    """One registered credential: its public key, and what each use of it reported."""

    __tablename__ = "passkeys"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The authenticator's credential id, base64url (at most 1023 bytes raw).
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    # COSE_Key, as the attestation carried it.
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The signature counter last seen; one going backwards means a cloned authenticator.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    aaguid: Mapped[str] = mapped_column(String(36), default="")
    # The transports the browser reported (usb, nfc, ble, internal, hybrid), comma-separated.
    transports: Mapped[str] = mapped_column(String(200), default="")
    # Backup flags (BE, BS): whether it may be, and is, synced to other devices.
    backup_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(64))
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
