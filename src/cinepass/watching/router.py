"""HTTP routes for saved positions (PUT /api/movies/{id}/progress) and /api/watching."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.movies.schemas import MovieOut
from cinepass.responses import AUTHENTICATED, errors
from cinepass.schemas import Envelope, ObjectId
from cinepass.watching import service
from cinepass.watching.schemas import ProgressIn, ProgressOut, WatchingOut

router = APIRouter(tags=["watching"], responses=AUTHENTICATED)

# A position is the user's own data, like their list: the list's scopes cover it.
Saver = Annotated[Principal, scoped(scopes.CREATE_USER_MOVIES)]
Reader = Annotated[Principal, scoped(scopes.READ_USER_MOVIES)]


@router.put(
    "/api/movies/{movie_id}/progress",
    summary="Save where you are in a film",
    responses=errors(404),
)
async def save_progress(
    movie_id: ObjectId, body: ProgressIn, db: DbSession, principal: Saver
) -> Envelope[ProgressOut]:
    row = await service.save_position(db, principal.user_id, movie_id, body.position, body.duration)
    return Envelope(
        data=ProgressOut(
            position=row.position_seconds, duration=row.duration_seconds, finished=row.finished
        ),
        message="position saved",
    )


@router.get("/api/watching", summary="Your unfinished films (Continue watching)")
async def list_watching(db: DbSession, principal: Reader) -> Envelope[list[WatchingOut]]:
    watching = await service.continue_watching(db, principal.user_id)
    return Envelope(
        data=[
            WatchingOut(
                movie=MovieOut.model_validate(w.movie, from_attributes=True),
                position=w.position.position_seconds,
                duration=w.position.duration_seconds,
                updated_at=w.position.updated_at,
            )
            for w in watching
        ],
        message="films in progress listed",
    )
