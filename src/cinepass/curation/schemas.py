"""Response bodies for genres and the home page's rows."""

from __future__ import annotations

from cinepass.movies.schemas import MovieOut
from cinepass.schemas import ApiModel


class GenreOut(ApiModel):
    tag: str
    title: str
    count: int


class RowOut(ApiModel):
    key: str
    title: str
    tag: str | None
    movies: list[MovieOut]
