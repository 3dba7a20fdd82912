"""Request and response bodies for movies."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
)

from cinepass.schemas import (
    WHOLE_NUMBER,
    ApiModel,
    PartialUpdate,
    RequestModel,
    TextSchema,
)
from cinepass.text import display_line, nfc

Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80),
    AfterValidator(display_line),
    TextSchema(display=True),
]
Year = Annotated[int, Field(ge=1888, le=2077), WHOLE_NUMBER]
Description = Annotated[
    str, StringConstraints(min_length=1, max_length=300), AfterValidator(nfc), TextSchema()
]
Duration = Annotated[int, Field(ge=1, le=300, description="Minutes"), WHOLE_NUMBER]
ContentRating = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5),
    TextSchema(),
    Field(examples=["G", "PG", "PG-13", "R"]),
]
_HTTP_URL = TypeAdapter(HttpUrl)
MAX_LINK_LENGTH = 2048


def _http_url(value: str) -> str:
    """Only http(s) links: a `javascript:` cover would be a script in the app."""
    normalised = str(_HTTP_URL.validate_python(value))
    if len(normalised) > MAX_LINK_LENGTH:
        raise ValueError(f"must be at most {MAX_LINK_LENGTH} characters")
    return normalised


# Normalising gives an empty path its "/": a link sent at the longest the document allows still
# fits the column once stored.
MAX_SENT_LINK_LENGTH = MAX_LINK_LENGTH - 1
Link = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SENT_LINK_LENGTH),
    AfterValidator(_http_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "maxLength": MAX_SENT_LINK_LENGTH,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9]",
        }
    ),
]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50, strip_whitespace=True),
    AfterValidator(display_line),
    TextSchema(display=True),
]


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(_unique)]


class MovieCreate(RequestModel):
    title: Title
    year: Year
    cover: Link
    description: Description
    duration: Duration
    content_rating: ContentRating
    source: Link
    tags: Tags = []


class MovieUpdate(PartialUpdate):
    title: Title | None = None
    year: Year | None = None
    cover: Link | None = None
    description: Description | None = None
    duration: Duration | None = None
    content_rating: ContentRating | None = None
    source: Link | None = None
    tags: Tags | None = None


class MovieOut(ApiModel):
    id: str
    title: str
    year: int
    cover: str
    description: str
    duration: int
    content_rating: str
    source: str
    tags: list[str]
