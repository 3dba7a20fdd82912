"""The playback_positions and plays tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, IdMixin, UtcDateTime, utcnow


class PlaybackPosition(Base):
    """Where a user stopped in a film; `finished` takes it out of Continue watching."""

    __tablename__ = "playback_positions"
    __table_args__ = (Index("ix_playback_positions_user_id_updated_at", "user_id", "updated_at"),)

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    movie_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True
    )
    position_seconds: Mapped[float] = mapped_column(Float)
    duration_seconds: Mapped[float] = mapped_column(Float)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Play(IdMixin, Base):
    """One start of a film by a user: what Trends counts."""

    __tablename__ = "plays"
    __table_args__ = (Index("ix_plays_played_at_movie_id", "played_at", "movie_id"),)

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    movie_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("movies.id", ondelete="CASCADE"), index=True
    )
    played_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
