"""The clips on disk: one file per slug, made once however many first plays ask at the same time."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import structlog

from cinepass.media.cards import TitleCard

log = structlog.get_logger(__name__)


class ClipLibrary:
    """Clips under `directory`, made on demand in a worker thread.

    One lock per slug: a second request for a clip being made waits for it rather than making
    another. Files are written whole and renamed into place, so several processes sharing the
    directory at worst make a clip twice, and never serve half of one.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self._locks: dict[str, asyncio.Lock] = {}

    def path_of(self, slug: str) -> Path:
        return self.directory / f"{slug}.mp4"

    def has(self, slug: str) -> bool:
        return self.path_of(slug).is_file()

    async def ensure(self, card: TitleCard) -> Path:
        """The clip of `card`, made now if it is missing."""
        path = self.path_of(card.slug)
        if path.is_file():
            return path
        lock = self._locks.setdefault(card.slug, asyncio.Lock())
        async with lock:
            if not path.is_file():
                seconds = await asyncio.to_thread(self.make, card)
                log.info("clip made", slug=card.slug, seconds=round(seconds, 2))
        self._locks.pop(card.slug, None)
        return path

    def make(self, card: TitleCard) -> float:
        """Make (or make again) the clip of `card`; returns the seconds it took."""
        from cinepass.media.clips import write_clip  # PyAV, numpy, Pillow: on the first clip

        started = time.perf_counter()
        write_clip(card, self.path_of(card.slug))
        return time.perf_counter() - started
