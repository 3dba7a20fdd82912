"""HTTP routes: a film's playback (a signed-in user) and the clip a signed URL names (public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.media import cards, service
from cinepass.media.dependencies import MediaDep
from cinepass.media.schemas import PlaybackOut
from cinepass.responses import AUTHENTICATED, errors
from cinepass.schemas import Envelope, ObjectId

router = APIRouter(prefix="/api/movies", tags=["media"], responses=AUTHENTICATED)
# Public: the signature in the URL is the authorisation (a <video> sends no token).
files_router = APIRouter(tags=["media"])

Reader = Annotated[Principal, scoped(scopes.READ_MOVIES)]
Signed = Annotated[str | None, Query(max_length=200)]


@router.get(
    "/{movie_id}/playback",
    summary="Play a movie: its media URL (signed for you when it is ours) and where you stopped",
    responses=errors(404),
)
async def get_playback(
    movie_id: ObjectId, db: DbSession, principal: Reader, media: MediaDep
) -> Envelope[PlaybackOut]:
    found = await service.playback(db, media, principal.user_id, movie_id)
    return Envelope(
        data=PlaybackOut(
            kind=found.kind,
            url=found.url,
            media_type=found.media_type,
            expires_at=found.expires_at,
            position=found.position,
            duration=found.duration,
        ),
        message="playback ready",
    )


@files_router.get("/media/{slug}.mp4", include_in_schema=False)
async def get_clip(
    slug: str,
    db: DbSession,
    media: MediaDep,
    user: Signed = None,
    expires: Signed = None,
    signature: Signed = None,
) -> FileResponse:
    """The clip, with HTTP Range (Starlette's FileResponse answers 206, 416 and If-Range)."""
    clip = await service.signed_clip(db, media, slug, user, expires, signature)
    return FileResponse(
        clip.path,
        media_type=cards.MEDIA_TYPE,
        headers={"Cache-Control": f"private, max-age={clip.fresh_for}"},
    )
