"""Playback: which media a film plays, signed for the caller; and the clip behind a signed URL."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.errors import NotFound
from cinepass.media import cards
from cinepass.media.dependencies import Media
from cinepass.movies import service as movies_service
from cinepass.movies.models import Movie
from cinepass.movies.posters import is_valid_slug
from cinepass.watching import service as watching_service


@dataclass(frozen=True)
class SignedClip:
    path: Path
    # Seconds until the URL that asked for it expires: how long a browser may keep it.
    fresh_for: int


@dataclass(frozen=True)
class Playback:
    kind: Literal["local", "external"]
    url: str
    media_type: Literal["video/mp4"] | None
    expires_at: datetime | None
    position: float
    duration: float | None


def clip_path(slug: str) -> str:
    """The path both servers serve a clip at (the render server passes it on unchanged)."""
    return f"/media/{slug}.mp4"


def local_slug(source: str, public_url: str) -> str | None:
    """The clip a source names when it is one of ours (`<public_url>/media/<slug>.mp4`)."""
    ours, theirs = urlsplit(public_url), urlsplit(source)
    if (theirs.scheme.lower(), theirs.netloc.lower()) != (
        ours.scheme.lower(),
        ours.netloc.lower(),
    ):
        return None
    prefix = ours.path.rstrip("/") + "/media/"
    name = theirs.path.removeprefix(prefix)
    if name == theirs.path or theirs.query or not name.endswith(".mp4"):
        return None
    slug = name.removesuffix(".mp4")
    return slug if is_valid_slug(slug) else None


async def playback(db: AsyncSession, media: Media, user_id: str, movie_id: str) -> Playback:
    """What the user plays for this film, counted as a play, from where they stopped."""
    movie = await movies_service.get(db, movie_id)
    await watching_service.record_play(db, user_id, movie_id)
    position = await watching_service.position_of(db, user_id, movie_id)
    slug = local_slug(movie.source, media.public_url)
    if slug is None:
        return Playback("external", movie.source, None, None, position, None)
    signed = media.signer.sign(clip_path(slug), user_id)
    return Playback(
        "local",
        signed.url,
        cards.MEDIA_TYPE,
        datetime.fromtimestamp(signed.expires_at, UTC),
        position,
        float(cards.SECONDS),
    )


async def signed_clip(
    db: AsyncSession,
    media: Media,
    slug: str,
    user_id: str | None,
    expires: str | None,
    signature: str | None,
) -> SignedClip:
    """The clip a signed URL names, made now if it is missing; Forbidden unless the URL is
    genuine and unexpired, NotFound if no film plays this clip."""
    if not is_valid_slug(slug):
        raise NotFound("no such media")
    media.signer.verify(clip_path(slug), user_id, expires, signature)
    if not media.library.has(slug):
        await media.library.ensure(await title_card(db, media, slug))
    # verify() accepted `expires`: digits, in the future.
    fresh_for = max(int(expires or 0) - int(time.time()), 0)
    return SignedClip(media.library.path_of(slug), fresh_for)


async def title_card(db: AsyncSession, media: Media, slug: str) -> cards.TitleCard:
    """The title card of the film whose source is this clip, or NotFound."""
    if not is_valid_slug(slug):
        raise NotFound("no such media")
    candidates = await db.scalars(
        select(Movie).where(Movie.source.like(f"%/media/{slug}.mp4")).order_by(Movie.created_at)
    )
    for movie in candidates:
        if local_slug(movie.source, media.public_url) == slug:
            return cards.TitleCard(slug, movie.title, movie.year, tuple(movie.tags))
    raise NotFound("no such media")


async def local_title_cards(db: AsyncSession, public_url: str) -> list[cards.TitleCard]:
    """A title card per clip of ours that films name as their source, in title order."""
    movies = await db.scalars(
        select(Movie).where(Movie.source.like("%/media/%.mp4")).order_by(Movie.title, Movie.id)
    )
    by_slug: dict[str, cards.TitleCard] = {}
    for movie in movies:
        slug = local_slug(movie.source, public_url)
        if slug is not None and slug not in by_slug:
            by_slug[slug] = cards.TitleCard(slug, movie.title, movie.year, tuple(movie.tags))
    return list(by_slug.values())
