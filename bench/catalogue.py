"""The bench's catalogue: varied generated films bulk-loaded with COPY, and cursors into it.

Titles and tags follow a Zipf-like law, as a real catalogue's do: a few words and tags are on
many films ("drama", "Night"), most on few ("wuxia", "Quillon"), so a tag or title search in
the bench is sometimes broad, sometimes narrow. Movie `i` is drawn from its own seed, so a
catalogue grown from 1,000 to 1,000,000 starts with the same 1,000 films.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any
from urllib.parse import quote

import asyncpg  # type: ignore[import-untyped,unused-ignore]
from sqlalchemy.engine import make_url

from cinepass.cursors import encode_cursor
from cinepass.movies.posters import poster_slug
from cinepass.text import search_key

ADJECTIVES = [
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
    "Lonely",
    "Wild",
    "Dark",
    "Bright",
    "Little",
    "Great",
    "Lost",
    "Final",
    "Scarlet",
    "Bitter",
    "Sweet",
    "Quiet",
    "Restless",
    "Endless",
    "Fallen",
    "Cold",
    "Blue",
    "Red",
    "Black",
    "White",
    "Ancient",
    "Forgotten",
    "Shattered",
    "Glass",
    "Wicked",
    "Gentle",
    "Stolen",
    "Haunted",
    "Pale",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Sacred",
    "Rusty",
    "Electric",
    "Neon",
    "Painted",
    "Sleeping",
    "Burning",
    "Drowned",
    "Emerald",
]
NOUNS = [
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
    "Night",
    "Road",
    "City",
    "Heart",
    "Storm",
    "House",
    "Sea",
    "Kingdom",
    "Window",
    "Shadow",
    "Summer",
    "Winter",
    "Desert",
    "Forest",
    "Moon",
    "Sun",
    "Dream",
    "Bridge",
    "Train",
    "Fire",
    "Mountain",
    "Valley",
    "Circus",
    "Ghost",
    "Stranger",
    "Promise",
    "Secret",
    "Hunter",
    "Angel",
    "Knife",
    "Crown",
    "Song",
    "Dance",
    "Street",
    "Border",
    "Garden",
    "Machine",
    "Planet",
    "Ocean",
    "Witness",
    "Island",
    "Hotel",
    "Castle",
    "Letter",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "tor",
    "sel",
    "qui",
    "dra",
    "mon",
    "bel",
    "fa",
    "rin",
    "ost",
    "ul",
    "zar",
    "ne",
    "thi",
    "gor",
    "ash",
]
TAGS = [
    "drama",
    "comedy",
    "thriller",
    "romance",
    "action",
    "documentary",
    "horror",
    "adventure",
    "crime",
    "mystery",
    "sci-fi",
    "family",
    "fantasy",
    "animation",
    "war",
    "western",
    "musical",
    "biography",
    "history",
    "noir",
    "sport",
    "teen",
    "silent-era",
    "short",
    "anthology",
    "satire",
    "heist",
    "road-movie",
    "disaster",
    "mockumentary",
    "wuxia",
    "giallo",
    "kaiju",
    "space-opera",
    "courtroom",
    "cyberpunk",
    "screwball",
    "found-footage",
    "dogme",
    "slasher",
]
RATINGS = ("G", "PG", "PG-13", "R")
NAMES = 4000  # invented place names: the long tail of rare title words


def _name(i: int) -> str:
    rng = random.Random(f"name-{i}")
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _zipf(n: int) -> list[float]:
    return list(accumulate(1 / (rank + 1) for rank in range(n)))


_ADJ_W, _NOUN_W, _TAG_W, _NAME_W = (
    _zipf(len(ADJECTIVES)),
    _zipf(len(NOUNS)),
    _zipf(len(TAGS)),
    _zipf(NAMES),
)
_NAMES = [_name(i) for i in range(NAMES)]


def film(i: int, public_url: str) -> dict[str, Any]:
    """The `i`-th generated film, always the same."""
    rng = random.Random(i)
    adjective = rng.choices(ADJECTIVES, cum_weights=_ADJ_W)[0]
    noun = rng.choices(NOUNS, cum_weights=_NOUN_W)[0]
    name = rng.choices(_NAMES, cum_weights=_NAME_W)[0]
    form = rng.random()
    if form < 0.35:
        title = f"{adjective} {noun}"
    elif form < 0.55:
        title = f"The {adjective} {noun}"
    elif form < 0.8:
        title = f"{noun} of {name}"
    else:
        title = f"{adjective} {noun} {rng.randint(2, 9)}"
    year = rng.randint(1920, 2025)
    tags = list(dict.fromkeys(rng.choices(TAGS, cum_weights=_TAG_W, k=rng.randint(1, 3))))
    slug = poster_slug(title, year)
    return {
        "title": title,
        "year": year,
        "duration": rng.randint(70, 180),
        "content_rating": rng.choice(RATINGS),
        "tags": tags,
        "description": f"A generated film from {year}, number {i + 1} of the bench's catalogue.",
        "cover": f"{public_url}/posters/{slug}.svg?title={quote(title)}",
        "source": f"{public_url}/media/{slug}.mp4",
    }


def dsn(url: str) -> str:
    """asyncpg's form of an SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


_MOVIE_COLUMNS = [
    "id",
    "title",
    "title_key",
    "year",
    "cover",
    "description",
    "duration",
    "content_rating",
    "source",
    "created_at",
    "updated_at",
]


def _rows(
    start: int, stop: int, public_url: str
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    now = datetime.now(UTC)
    for i in range(start, stop):
        f = film(i, public_url)
        movie_id = f"{i:08x}" + random.Random(-i).getrandbits(96).to_bytes(12).hex()
        movie = (
            movie_id,
            f["title"],
            search_key(f["title"]),
            f["year"],
            f["cover"],
            f["description"],
            f["duration"],
            f["content_rating"],
            f["source"],
            now,
            now,
        )
        yield movie, [(movie_id, tag, p) for p, tag in enumerate(f["tags"])]


async def grow(
    url: str, wanted: int, advance: Callable[[int], None], public_url: str = "http://127.0.0.1"
) -> int:
    """Grow the bench's own catalogue to `wanted` films with COPY, then VACUUM ANALYZE.
    Returns how many were added."""
    conn = await asyncpg.connect(dsn(url))
    try:
        present = int(await conn.fetchval("SELECT count(*) FROM movies"))
        batch = 20_000
        for start in range(present, wanted, batch):
            stop = min(start + batch, wanted)
            movies, tags = [], []
            for movie, its_tags in _rows(start, stop, public_url):
                movies.append(movie)
                tags += its_tags
            async with conn.transaction():
                await conn.copy_records_to_table("movies", records=movies, columns=_MOVIE_COLUMNS)
                await conn.copy_records_to_table(
                    "movie_tags", records=tags, columns=["movie_id", "tag", "position"]
                )
            advance(stop - start)
        # movie_title_words and title_words are filled by triggers (migration 0010).
        for table in ("movies", "movie_tags", "movie_title_words", "title_words"):
            await conn.execute(f"VACUUM ANALYZE {table}")
        return max(wanted - present, 0)
    finally:
        await conn.close()


async def cursors(url: str, count: int) -> list[str]:
    """`count` `next` cursors spread evenly over the title order (deep pages, the last too)."""
    conn = await asyncpg.connect(dsn(url))
    try:
        total = int(await conn.fetchval("SELECT count(*) FROM movies"))
        step = max(total // (count + 1), 1)
        rows = await conn.fetch(
            "SELECT title, id FROM (SELECT title, id, row_number() OVER (ORDER BY title, id) AS n"
            " FROM movies) AS ordered WHERE n % $1 = 0 ORDER BY n LIMIT $2",
            step,
            count,
        )
        return [encode_cursor(r["title"], r["id"]) for r in rows]
    finally:
        await conn.close()


async def cursor_at(url: str, position: int) -> str:
    """The cursor whose next page starts after the `position`-th film (0-based) of the order."""
    conn = await asyncpg.connect(dsn(url))
    try:
        row = await conn.fetchrow(
            "SELECT title, id FROM movies ORDER BY title, id OFFSET $1 LIMIT 1", position
        )
        assert row is not None, f"no film at position {position}"
        return encode_cursor(row["title"], row["id"])
    finally:
        await conn.close()


async def movie_ids(url: str, count: int) -> list[str]:
    conn = await asyncpg.connect(dsn(url))
    try:
        rows = await conn.fetch("SELECT id FROM movies ORDER BY id LIMIT $1", count)
        return [r["id"] for r in rows]
    finally:
        await conn.close()


def search_words(count: int) -> list[str]:
    """Title fragments to search for, common to rare: whole words, and parts of words."""
    words: list[str] = []
    for i in range(count):
        pool: Sequence[str] = (ADJECTIVES, NOUNS, _NAMES)[i % 3]
        word = pool[(i * 7) % len(pool)]
        words.append(word if i % 4 else word[1:4].lower())
    return list(dict.fromkeys(words))
