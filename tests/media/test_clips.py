"""Clips: made once however many first plays arrive together, titles as written, seeded films
pointing at their own clip."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from cinepass.media.cards import TitleCard
from cinepass.media.clips import title_lines
from cinepass.media.library import ClipLibrary
from cinepass.media.service import local_slug
from cinepass.movies import demo
from cinepass.movies.posters import poster_slug
from tests.media.conftest import MediaApi, assert_playable_mp4


class CountingLibrary(ClipLibrary):
    """A real library that also counts the clips it makes."""

    made = 0

    def make(self, card: TitleCard) -> float:
        self.made += 1
        return super().make(card)


def test_concurrent_first_plays_make_one_clip(tmp_path: Path) -> None:
    library = CountingLibrary(tmp_path)
    slug = "el-espiritu-de-la-colmena-1973"
    card = TitleCard(slug, "El espíritu de la colmena", 1973, ("drama",))

    async def first_plays() -> list[Path]:
        return await asyncio.gather(*(library.ensure(card) for _ in range(5)))

    paths = asyncio.run(first_plays())
    assert library.made == 1
    assert set(paths) == {tmp_path / "el-espiritu-de-la-colmena-1973.mp4"}
    assert [p.name for p in tmp_path.iterdir()] == ["el-espiritu-de-la-colmena-1973.mp4"]
    assert_playable_mp4(paths[0].read_bytes())


def test_concurrent_first_requests_all_get_the_whole_clip(
    media_api: MediaApi, user: tuple[str, str]
) -> None:
    _, token = user
    movie_id, slug = media_api.film("Ay, Carmela!", 1990, ["comedia", "guerra"])
    url = media_api.play(token, movie_id)["url"]
    assert not (media_api.dir / f"{slug}.mp4").exists()

    def fetch(_: int) -> httpx.Response:
        with httpx.Client(base_url=media_api.url, timeout=60) as http:
            return http.get(url)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(fetch, range(4)))
    assert [r.status_code for r in answers] == [200] * 4
    assert len({r.content for r in answers}) == 1
    assert_playable_mp4(answers[0].content)
    # One file, no leftovers of a second making.
    assert sorted(p.name for p in media_api.dir.glob(f"*{slug}*")) == [f"{slug}.mp4"]


def test_titles_are_drawn_as_written() -> None:
    for title in (
        "Fantômas",
        "A Dog's Life",
        "D.O.A.",
        "Dr. Mabuse, the Gambler",
        "¿Quién puede matar a un niño?",
        "Él",
    ):
        lines, _ = title_lines(title)
        assert " ".join(lines) == title
    lines, _ = title_lines("Una película " * 20)
    assert len(lines) == 3
    assert lines[-1].endswith("…")


def test_seeded_films_play_their_own_clip() -> None:
    public_url = "http://cine.example:8000"
    for movie in demo.demo_movies(30, public_url, set()):
        slug = poster_slug(movie.title, movie.year)
        assert movie.source == f"{public_url}/media/{slug}.mp4"
        assert local_slug(movie.source, public_url) == slug


def test_only_our_media_paths_are_local() -> None:
    ours = "http://127.0.0.1:8000"
    assert local_slug(f"{ours}/media/viridiana-1961.mp4", ours) == "viridiana-1961"
    assert local_slug("HTTP://127.0.0.1:8000/media/viridiana-1961.mp4", ours) == "viridiana-1961"
    for source in (
        "https://127.0.0.1:8000/media/viridiana-1961.mp4",
        "http://127.0.0.1:8001/media/viridiana-1961.mp4",
        f"{ours}/media/viridiana-1961.webm",
        f"{ours}/media/Viridiana.mp4",
        f"{ours}/media/viridiana-1961.mp4?x=1",
        f"{ours}/otra/media/viridiana-1961.mp4",
        "https://archive.org/details/viridiana",
    ):
        assert local_slug(source, ours) is None, source
    app = "https://cine.example/app/"
    assert local_slug("https://cine.example/app/media/el-1953.mp4", app) == "el-1953"
