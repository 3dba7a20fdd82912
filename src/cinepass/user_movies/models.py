"""The user_movies table: one row per movie on a user's list."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cinepass.db.base import Base, CreatedAtMixin, IdMixin


class UserMovie(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "user_movies"
    __table_args__ = (UniqueConstraint("user_id", "movie_id", name="uq_user_movies_user_movie"),)

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    movie_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("movies.id", ondelete="CASCADE"), index=True
    )
