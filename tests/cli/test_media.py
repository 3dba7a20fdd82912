"""`cinepass media generate`: our clips made ahead of their first play (all, or the missing)."""

from __future__ import annotations

import uuid
from pathlib import Path

import av

from cinepass.movies.posters import poster_slug
from tests.cli.conftest import Cli
from tests.support import Api


def test_generate_makes_missing_clips_then_all_again(cli: Cli, api: Api, tmp_path: Path) -> None:
    # A public URL of this test's own: other tests' films are not ours here.
    public_url = f"http://cine-{uuid.uuid4().hex[:8]}.test"
    films = [("Los santos inocentes", 1984), ("¡Átame!", 1989)]
    slugs = [poster_slug(title, year) for title, year in films]
    for (title, year), slug in zip(films, slugs, strict=True):
        api.create_movie(title=title, year=year, source=f"{public_url}/media/{slug}.mp4")
    api.create_movie(title="Ladrón de bicicletas", source="https://example.org/ladron.mp4")
    media = tmp_path / "clips"
    env = {"CINEPASS_MEDIA_DIR": str(media), "CINEPASS_PUBLIC_URL": public_url}

    first = cli.ok("media", "generate", **env)
    assert "made 2 clips" in first.stdout
    assert sorted(p.name for p in media.iterdir()) == sorted(f"{s}.mp4" for s in slugs)
    with av.open(str(media / f"{slugs[1]}.mp4")) as clip:
        assert clip.streams.video[0].codec_context.name == "h264"

    assert "every clip is made (2 in" in cli.ok("media", "generate", **env).stdout
    (media / f"{slugs[0]}.mp4").unlink()
    assert "made 1 clips" in cli.ok("media", "generate", "--missing", **env).stdout
    assert "made 2 clips" in cli.ok("media", "generate", "--all", **env).stdout
