"""`cinepass seed`: fill the catalogue with demo movies, with a progress bar."""

from __future__ import annotations

from itertools import islice
from typing import Annotated

import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.cli.runtime import console, load_settings, progress_bar, with_session
from cinepass.movies import demo
from cinepass.movies import service as movies_service
from cinepass.movies.models import Movie

BATCH = 1000


async def _repoint_old_sources(db: AsyncSession, public_url: str) -> int:
    """Demo films seeded before they had clips pointed at a search page elsewhere: give them
    their own clip, as a fresh seed would."""
    curated = {film["title"] for film in demo.curated()}
    old = await db.scalars(select(Movie).where(Movie.source.startswith(demo.OLD_SOURCE_PREFIX)))
    moved = 0
    for movie in old:
        if movie.title in curated:
            movie.source = demo.clip_source(movie.title, movie.year, public_url)
            moved += 1
    await db.commit()
    return moved


def seed(
    movies: Annotated[
        int | None,
        typer.Option(min=1, max=1_000_000, help="How many movies the catalogue should hold"),
    ] = None,
) -> None:
    """Add demo movies until the catalogue holds --movies (default: every curated film)."""
    settings = load_settings()
    wanted = movies or len(demo.curated())

    async def work(db: AsyncSession) -> int:
        repointed = await _repoint_old_sources(db, settings.api.public_url)
        if repointed:
            console.print(f"pointed {repointed} demo films at their own clips")
        present = set((await db.scalars(select(Movie.title))).all())
        total = await db.scalar(select(func.count()).select_from(Movie)) or 0
        missing = wanted - total
        if missing <= 0:
            return 0
        # Demo films already there are skipped, not counted: ask for enough to fill the gap.
        films = demo.demo_movies(wanted + len(present), settings.api.public_url, present)
        todo = list(islice(films, missing))
        with progress_bar("seeding movies") as progress:
            task = progress.add_task("seed", total=len(todo))
            for start in range(0, len(todo), BATCH):
                chunk = todo[start : start + BATCH]
                await movies_service.create_many(db, chunk)
                await db.commit()
                progress.advance(task, len(chunk))
        console.print(f"[dim]catalogue had {total} movies[/]")
        return len(todo)

    added = with_session(work)
    if added:
        console.print(f"[green]added {added} movies[/]")
    else:
        console.print(f"catalogue already holds {wanted} movies or more: nothing to add")
