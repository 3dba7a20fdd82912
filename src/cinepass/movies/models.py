"""The movies and movie_tags tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from cinepass.db.base import Base, CreatedAtMixin, IdMixin, UtcDateTime, utcnow
from cinepass.text import search_key

# casefold() may lengthen a title ("ß" -> "ss"); three times covers every expansion.
TITLE_KEY_LENGTH = 240


class Movie(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "movies"
    # Keyset pagination walks (title, id): one index serves every page, however deep.
    __table_args__ = (Index("ix_movies_title_id", "title", "id"),)

    title: Mapped[str] = mapped_column(String(80))
    # What title search compares: see cinepass.text.search_key.
    title_key: Mapped[str] = mapped_column(String(TITLE_KEY_LENGTH))
    year: Mapped[int] = mapped_column(Integer)
    cover: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(300))
    duration: Mapped[int] = mapped_column(Integer)
    content_rating: Mapped[str] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(String(2048))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    tag_rows: Mapped[list[MovieTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MovieTag.position"
    )

    @validates("title")
    def _keep_title_key(self, _: str, title: str) -> str:
        self.title_key = search_key(title)
        return title

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class MovieTag(Base):
    __tablename__ = "movie_tags"
    __table_args__ = (
        Index("ix_movie_tags_tag_movie_id", "tag", "movie_id"),
        # A tag's films in title order: its page is one range of this index.
        Index("ix_movie_tags_tag_title_movie_id", "tag", "title", "movie_id"),
    )

    movie_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The film's title, copied by database triggers (migration 0009) on every insert and title
    # change: never written here.
    title: Mapped[str] = mapped_column(String(80), server_default="")
