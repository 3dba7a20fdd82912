"""The media parts one API process shares, built from the settings, and their dependency."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from cinepass.config import Settings
from cinepass.media.library import ClipLibrary
from cinepass.media.signing import UrlSigner
from cinepass.sealing import load_or_create_key

KEY_FILE = Path("var/media-url.key")


@dataclass(frozen=True)
class Media:
    signer: UrlSigner
    library: ClipLibrary
    # Sources under `<public_url>/media/` are our clips; any other http(s) source is external.
    public_url: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Media:
        keys = [k.get_secret_value() for k in settings.media.url_keys] or [
            load_or_create_key(KEY_FILE)
        ]
        return cls(
            signer=UrlSigner(keys, settings.media.url_ttl_seconds),
            library=ClipLibrary(settings.media.dir),
            public_url=settings.api.public_url,
        )


async def get_media(request: Request) -> Media:
    # async, so that FastAPI does not send this one-liner to a worker thread per request
    media: Media = request.app.state.media
    return media


MediaDep = Annotated[Media, Depends(get_media)]
