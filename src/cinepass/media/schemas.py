"""What the playback route answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cinepass.schemas import ApiModel, UtcDateTime


class PlaybackOut(ApiModel):
    kind: Literal["local", "external"] = Field(
        description="local: play `url` in the page; external: link to it (another site's player)"
    )
    url: str = Field(
        description="local: a same-origin path signed for the caller, valid until `expiresAt`"
    )
    media_type: Literal["video/mp4"] | None
    expires_at: UtcDateTime | None
    position: float = Field(ge=0, description="Seconds: where the caller stopped last time")
    duration: float | None = Field(description="Seconds, when known")
