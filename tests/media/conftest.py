"""An API of its own with media settings (a clip folder, known URL keys) on the suite's database."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from cinepass.api import create_app
from cinepass.media.signing import UrlSigner
from cinepass.movies.posters import poster_slug
from cinepass.sealing import new_key
from tests.conftest import make_settings
from tests.support import Api, LiveServer, bearer

PUBLIC_URL = "http://127.0.0.1:8000"
TTL = 600


def media_groups(directory: Path, keys: Sequence[str]) -> dict[str, dict[str, object]]:
    return {
        "media": {"dir": str(directory), "url_keys": list(keys), "url_ttl_seconds": TTL},
        "api": {"public_url": PUBLIC_URL},
    }


@dataclass
class MediaApi:
    """An API server whose media URLs are signed with `keys` and whose clips live in `dir`."""

    url: str
    http: httpx.Client
    api: Api
    dir: Path
    keys: list[str]

    def signer(self, key: str | None = None) -> UrlSigner:
        """Signs as the server does (the suite knows its keys): for URLs it would not make."""
        return UrlSigner([key or self.keys[0]], TTL)

    def film(self, title: str, year: int, tags: list[str] | None = None) -> tuple[str, str]:
        """A film of ours (its source a clip of this server): (movie id, slug)."""
        slug = poster_slug(title, year)
        movie_id = self.api.create_movie(
            title=title,
            year=year,
            tags=tags or ["drama"],
            source=f"{PUBLIC_URL}/media/{slug}.mp4",
        )
        return movie_id, slug

    def playback(self, movie_id: str, token: str) -> httpx.Response:
        return self.http.get(f"/api/movies/{movie_id}/playback", headers=bearer(token))

    def play(self, token: str, movie_id: str) -> dict[str, Any]:
        r = self.playback(movie_id, token)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        return data


@contextlib.contextmanager
def serve_media_api(api: Api, directory: Path, keys: Sequence[str]) -> Iterator[MediaApi]:
    settings = make_settings(api.db.url, **media_groups(directory, keys))
    with (
        LiveServer(create_app(settings)) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        yield MediaApi(server.url, http, api, directory, list(keys))


@pytest.fixture(scope="session")
def media_dir(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clips of one backend's run (each backend makes its films anew)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def media_api(api: Api, media_dir: Path) -> Iterator[MediaApi]:
    with serve_media_api(api, media_dir, [new_key()]) as server:
        yield server


def assert_playable_mp4(body: bytes) -> None:
    """An H.264 MP4 of about 24 s whose index (moov) comes before its frames (mdat)."""
    assert body[4:8] == b"ftyp"
    assert 0 < body.find(b"moov") < body.find(b"mdat")
    with av.open(io.BytesIO(body)) as container:
        (stream,) = container.streams.video
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (640, 360)
        assert container.duration is not None
        assert 23.5 <= container.duration / av.time_base <= 24.5
        frames = sum(1 for _ in container.decode(video=0))
        assert frames >= 24 * 12
