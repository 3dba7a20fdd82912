"""HTTP routes for /api/movies."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.events import Events
from cinepass.movies import service
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate
from cinepass.responses import AUTHENTICATED, errors
from cinepass.schemas import WITHOUT_NUL, Envelope, ObjectId, Page
from cinepass.text import nfc

router = APIRouter(prefix="/api/movies", tags=["movies"], responses=AUTHENTICATED)

Reader = Annotated[Principal, scoped(scopes.READ_MOVIES)]
Creator = Annotated[Principal, scoped(scopes.CREATE_MOVIES)]
Updater = Annotated[Principal, scoped(scopes.UPDATE_MOVIES)]
Deleter = Annotated[Principal, scoped(scopes.DELETE_MOVIES)]


async def _events(request: Request) -> Events:
    events: Events = request.app.state.context.events
    return events


# Who reacts to a catalogue change (the audit trail).
EventsDep = Annotated[Events, Depends(_events)]


@router.get("", summary="List movies", response_model=Page[list[MovieOut]])
async def list_movies(
    db: DbSession,
    _: Reader,
    tags: Annotated[
        list[Annotated[str, Query(max_length=50, json_schema_extra=WITHOUT_NUL)]],
        Query(max_length=20, description="Movies with any of these tags"),
    ] = [],  # noqa: B006 - FastAPI copies query defaults
    q: Annotated[
        str | None,
        Query(max_length=80, description="Part of the title", json_schema_extra=WITHOUT_NUL),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="`next` of the last page", json_schema_extra=WITHOUT_NUL),
    ] = None,
) -> Response:
    page = await service.list_movies(
        db,
        tags=[nfc(tag.strip()) for tag in tags],
        q=q.strip() if q else None,
        limit=limit,
        cursor=cursor,
    )
    # The rows are already in the documented shape: serialise them once, without a second
    # validation pass over the response model (the busiest route of the API).
    body = {"data": page.movies, "message": "movies listed", "next": page.next_cursor}
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


@router.get("/{movie_id}", summary="Get a movie", responses=errors(404))
async def get_movie(movie_id: ObjectId, db: DbSession, _: Reader) -> Envelope[MovieOut]:
    movie = await service.get(db, movie_id)
    return Envelope(
        data=MovieOut.model_validate(movie, from_attributes=True), message="movie retrieved"
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a movie")
async def create_movie(
    body: MovieCreate, db: DbSession, events: EventsDep, _: Creator
) -> Envelope[str]:
    movie = await service.create(db, body, events=events)
    return Envelope(data=movie.id, message="movie created")


@router.put("/{movie_id}", summary="Update some fields of a movie", responses=errors(404))
async def update_movie(
    movie_id: ObjectId, body: MovieUpdate, db: DbSession, events: EventsDep, _: Updater
) -> Envelope[str]:
    movie = await service.update(db, movie_id, body, events=events)
    return Envelope(data=movie.id, message="movie updated")


@router.delete("/{movie_id}", summary="Delete a movie", responses=errors(404))
async def delete_movie(
    movie_id: ObjectId, db: DbSession, events: EventsDep, _: Deleter
) -> Envelope[str]:
    await service.delete_movie(db, movie_id, events=events)
    return Envelope(data=movie_id, message="movie deleted")
