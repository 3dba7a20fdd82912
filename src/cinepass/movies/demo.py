"""The demo catalogue: curated public-domain films, padded with generated ones on request."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from cinepass.movies.posters import poster_slug
from cinepass.movies.schemas import MovieCreate

_ADJECTIVES = (
    "Silent",
    "Crimson",
    "Midnight",
    "Golden",
    "Broken",
    "Electric",
    "Hidden",
    "Last",
    "Distant",
    "Savage",
    "Velvet",
    "Frozen",
    "Burning",
    "Secret",
    "Wandering",
    "Iron",
    "Paper",
    "Hollow",
)
_NOUNS = (
    "Harbor",
    "Orchard",
    "Signal",
    "Empire",
    "Garden",
    "Station",
    "Horizon",
    "Lantern",
    "Voyage",
    "Carnival",
    "Frontier",
    "Mirror",
    "Express",
    "Canyon",
    "Letter",
    "Island",
    "Tower",
    "River",
)
_TAGS = ("drama", "comedy", "thriller", "romance", "sci-fi", "noir", "adventure", "mystery")
_RATINGS = ("G", "PG", "PG-13", "R")


@lru_cache
def curated() -> tuple[dict[str, Any], ...]:
    text = resources.files("cinepass.movies").joinpath("demo_films.json").read_text("utf-8")
    films: list[dict[str, Any]] = json.loads(text)
    return tuple(films)


# Where demo films pointed before they had clips of their own: a search page elsewhere.
OLD_SOURCE_PREFIX = "https://archive.org/search?query="


def clip_source(title: str, year: int, public_url: str) -> str:
    """A demo film's own clip (cinepass.media makes it on first play): nothing points outside."""
    return f"{public_url.rstrip('/')}/media/{poster_slug(title, year)}.mp4"


def _movie(film: dict[str, Any], public_url: str) -> MovieCreate:
    slug = poster_slug(film["title"], film["year"])
    return MovieCreate.model_validate(
        {
            **film,
            # The title as written rides along: a slug has lost its accents and punctuation.
            "cover": f"{public_url.rstrip('/')}/posters/{slug}.svg?title={quote(film['title'])}",
            "source": clip_source(film["title"], film["year"], public_url),
        }
    )


def demo_movies(count: int, public_url: str, skip_titles: set[str]) -> Iterator[MovieCreate]:
    """`count` movies: the curated films first, then generated ones with stable titles."""
    made = 0
    for film in curated():
        if made == count:
            return
        if film["title"] not in skip_titles:
            yield _movie(film, public_url)
        made += 1
    rng = random.Random(1895)  # noqa: S311 - demo data, not security
    serial = 0
    while made < count:
        serial += 1
        # Draw every field before deciding to skip: the sequence must not depend on what the
        # catalogue already holds, or growing it would invent new titles and overshoot.
        title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {serial}"
        year = rng.randint(1920, 2025)
        film = {
            "title": title,
            "year": year,
            "duration": rng.randint(70, 180),
            "contentRating": rng.choice(_RATINGS),
            "tags": rng.sample(_TAGS, k=2),
            "description": f"A generated demo film from {year}, number {serial} of the catalogue.",
        }
        if title not in skip_titles:
            yield _movie(film, public_url)
        made += 1
