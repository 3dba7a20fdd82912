"""HTTP routes for /api/catalogue: genres, trends and the home page's rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cinepass import scopes
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.curation import service
from cinepass.curation.schemas import GenreOut, RowOut
from cinepass.db.dependencies import DbSession
from cinepass.movies.schemas import MovieOut
from cinepass.responses import AUTHENTICATED
from cinepass.schemas import Envelope

router = APIRouter(prefix="/api/catalogue", tags=["catalogue"], responses=AUTHENTICATED)

Reader = Annotated[Principal, scoped(scopes.READ_MOVIES)]
RowSize = Annotated[int, Query(ge=1, le=service.MAX_ROW_SIZE)]


def _movies(movies: list[dict[str, Any]]) -> list[MovieOut]:
    return [MovieOut.model_validate(m) for m in movies]


@router.get("/genres", summary="Genres, the most films first")
async def list_genres(db: DbSession, _: Reader) -> Envelope[list[GenreOut]]:
    found = await service.genres(db)
    return Envelope(
        data=[GenreOut(tag=g.tag, title=service.genre_title(g.tag), count=g.count) for g in found],
        message="genres listed",
    )


@router.get("/trends", summary="Trends: the films most added and played this week")
async def list_trending(
    db: DbSession, _: Reader, limit: RowSize = service.DEFAULT_ROW_SIZE
) -> Envelope[list[MovieOut]]:
    return Envelope(data=_movies(await service.trending(db, limit)), message="trends listed")


@router.get("/rows", summary="The home page's rows: Trends, then genres; each film once")
async def list_rows(
    db: DbSession, principal: Reader, limit: RowSize = service.DEFAULT_ROW_SIZE
) -> Envelope[list[RowOut]]:
    rows = await service.home_rows(db, principal.user_id, limit)
    return Envelope(
        data=[RowOut(key=r.key, title=r.title, tag=r.tag, movies=_movies(r.movies)) for r in rows],
        message="rows listed",
    )
