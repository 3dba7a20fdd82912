"""Tables of the auth domain: signing keys, sessions with their refresh tokens, revocations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime


class SigningKey(CreatedAtMixin, Base):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserSession(IdMixin, CreatedAtMixin, Base):
    """A sign-in: the family of refresh tokens it hands out, bound to one user and one API key."""

    __tablename__ = "sessions"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    api_key_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    remember_me: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The browser's (or client's) User-Agent at sign-in, for the account page's device list.
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)
    # Sign-in, then each refresh: as fresh as the access token lifetime.
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # How the sign-in proved the user (auth.methods, space-separated); its time is created_at.
    amr: Mapped[str] = mapped_column(String(64), default="pwd")


class RefreshToken(IdMixin, CreatedAtMixin, Base):
    """One refresh token of a session; only its digest is stored. Used once, then rotated."""

    __tablename__ = "refresh_tokens"

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Revocation(Base):
    """An event that ends access tokens early: by jti, session, user or API key."""

    __tablename__ = "revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    # Access tokens issued at or before this (epoch seconds) are revoked.
    issued_before: Mapped[int] = mapped_column(Integer)
    # After this the event can be forgotten: every token it could match has expired.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class Identity(IdMixin, CreatedAtMixin, Base):
    """A third-party account (issuer, subject) linked to a user."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),)

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    provider: Mapped[str | None] = mapped_column(String(32))
