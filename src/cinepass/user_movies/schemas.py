"""Request and response bodies for user movies."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from cinepass.movies.schemas import MovieOut
from cinepass.schemas import ApiModel, RequestModel, TextSchema

Id = Annotated[str, StringConstraints(min_length=1, max_length=64), TextSchema()]


class UserMovieCreate(RequestModel):
    movie_id: Id
    user_id: Id | None = None


class UserMovieOut(ApiModel):
    id: str
    user_id: str
    movie_id: str
    movie: MovieOut
