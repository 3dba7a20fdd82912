"""What a clip shows and what it is, without what draws and encodes it (cinepass.media.clips:
PyAV, numpy and Pillow, some 30 MB, loaded when a process makes its first clip)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SECONDS = 24
MEDIA_TYPE: Final = "video/mp4"


@dataclass(frozen=True)
class TitleCard:
    """What a clip shows: the film as its row says, and the slug its colours come from."""

    slug: str
    title: str
    year: int
    tags: tuple[str, ...] = ()
