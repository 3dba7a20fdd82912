"""HTTP routes for /api/movies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.routing import APIRoute

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.events import Events
from cinepass.movies import pages, service
from cinepass.movies.listing import Listing, page_query
from cinepass.movies.schemas import MovieCreate, MovieOut, MovieUpdate
from cinepass.responses import AUTHENTICATED, errors
from cinepass.schemas import WITHOUT_NUL, Envelope, ObjectId, Page

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


async def _listing(request: Request) -> Listing:
    listing: Listing = request.app.state.context.listing
    return listing


ListingDep = Annotated[Listing, Depends(_listing)]


@router.get("", summary="List movies", response_model=Page[list[MovieOut]])
async def list_movies(
    listing: ListingDep,
    _: Reader,
    tags: Annotated[
        list[Annotated[str, Query(max_length=pages.MAX_TAG_LENGTH, json_schema_extra=WITHOUT_NUL)]],
        Query(max_length=pages.MAX_TAGS, description="Movies with any of these tags"),
    ] = [],  # noqa: B006 - FastAPI copies query defaults
    q: Annotated[
        str | None,
        Query(
            max_length=pages.MAX_Q_LENGTH,
            description="Part of the title",
            json_schema_extra=WITHOUT_NUL,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=pages.MAX_PAGE_SIZE)] = pages.DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(
            max_length=pages.MAX_CURSOR_LENGTH,
            description="`next` of the last page",
            json_schema_extra=WITHOUT_NUL,
        ),
    ] = None,
) -> Response:
    # Most list requests never get here: MovieListLane serves the plain ones with the same
    # Listing. The page is JSON already, read and serialised once (and maybe cached).
    body = await listing.page(page_query(tags, q, limit, cursor))
    return Response(body, media_type="application/json")


def list_route() -> APIRoute:
    """The list's route, which MovieListLane's answers are counted and traced under."""
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is list_movies)


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
