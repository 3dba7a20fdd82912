"""`cinepass media generate`: make films' clips ahead of their first play, with a progress bar."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from cinepass.cli.runtime import console, load_settings, progress_bar, with_session
from cinepass.media import service
from cinepass.media.library import ClipLibrary

app = typer.Typer(
    help="Films' clips: made on first play, or ahead of time with `generate`.",
    no_args_is_help=True,
)


@app.command("generate")
def generate(
    every: Annotated[
        bool,
        typer.Option(
            "--all/--missing",
            help="Make every clip again (--all), or only those not made yet (--missing)",
        ),
    ] = False,
) -> None:
    """Make the clip of every film whose source is one of ours (under CINEPASS_MEDIA_DIR)."""
    settings = load_settings()
    library = ClipLibrary(settings.media.dir)
    cards = with_session(lambda db: service.local_title_cards(db, settings.api.public_url))
    todo = cards if every else [card for card in cards if not library.has(card.slug)]
    if not todo:
        console.print(f"every clip is made ({len(cards)} in {settings.media.dir})")
        return
    started = time.perf_counter()
    with progress_bar("making clips") as progress:
        task = progress.add_task("clips", total=len(todo))
        for card in todo:
            library.make(card)
            progress.advance(task)
    seconds = time.perf_counter() - started
    console.print(
        f"[green]made {len(todo)} clips[/] in {seconds:.1f} s"
        f" ({seconds / len(todo):.2f} s each) under {settings.media.dir}"
    )
