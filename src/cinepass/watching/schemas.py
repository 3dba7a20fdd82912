"""Request and response bodies for saved positions and Continue watching."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from cinepass.movies.schemas import MovieOut
from cinepass.schemas import ApiModel, RequestModel

# A film is at most 300 minutes (movies.schemas.Duration); a clip is shorter.
Seconds = Annotated[float, Field(ge=0, le=300 * 60, allow_inf_nan=False)]


class ProgressIn(RequestModel):
    position: Seconds = Field(description="Seconds from the start")
    duration: Annotated[float, Field(gt=0, le=300 * 60, allow_inf_nan=False)] = Field(
        description="Seconds the played media lasts"
    )


class ProgressOut(ApiModel):
    position: float
    duration: float
    finished: bool


class WatchingOut(ApiModel):
    movie: MovieOut
    position: float
    duration: float
    updated_at: datetime
