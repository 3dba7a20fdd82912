"""HTTP routes for /api/user-movies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.errors import Forbidden
from cinepass.movies.schemas import MovieOut
from cinepass.responses import AUTHENTICATED, errors
from cinepass.schemas import Envelope, ObjectId
from cinepass.user_movies import service
from cinepass.user_movies.schemas import UserMovieCreate, UserMovieOut

router = APIRouter(prefix="/api/user-movies", tags=["user movies"], responses=AUTHENTICATED)

Reader = Annotated[Principal, scoped(scopes.READ_USER_MOVIES)]
Creator = Annotated[Principal, scoped(scopes.CREATE_USER_MOVIES)]
Deleter = Annotated[Principal, scoped(scopes.DELETE_USER_MOVIES)]


@router.get("", summary="List a user's movies (your own unless you are an admin)")
async def list_user_movies(
    db: DbSession,
    principal: Reader,
    user_id: Annotated[str | None, Query(alias="userId", min_length=1, max_length=64)] = None,
) -> Envelope[list[UserMovieOut]]:
    owner = user_id or principal.user_id
    if owner != principal.user_id and not principal.is_admin:
        raise Forbidden("you can only list your own movies")
    entries = await service.list_for(db, owner)
    return Envelope(
        data=[
            UserMovieOut(
                id=e.entry.id,
                user_id=e.entry.user_id,
                movie_id=e.entry.movie_id,
                movie=MovieOut.model_validate(e.movie, from_attributes=True),
            )
            for e in entries
        ],
        message="user movies listed",
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a movie to your list",
    responses={
        200: {"description": "Already on your list: the existing entry's id"},
        **errors(404),
    },
)
async def add_user_movie(
    body: UserMovieCreate, db: DbSession, principal: Creator, response: Response
) -> Envelope[str]:
    if body.user_id is not None and body.user_id != principal.user_id:
        raise Forbidden("you can only add to your own list")
    added = await service.add(db, principal.user_id, body.movie_id)
    if not added.created:
        response.status_code = status.HTTP_200_OK
        return Envelope(data=added.id, message="user movie already listed")
    return Envelope(data=added.id, message="user movie created")


@router.delete("/{user_movie_id}", summary="Remove a movie from your list", responses=errors(404))
async def delete_user_movie(
    user_movie_id: ObjectId, db: DbSession, principal: Deleter
) -> Envelope[str]:
    await service.remove(db, principal.user_id, user_movie_id)
    return Envelope(data=user_movie_id, message="user movie deleted")
