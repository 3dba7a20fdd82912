"""Playback: a signed-in user gets a URL signed for them that plays, with Range, until it
expires; anything changed in it, or no signature at all, is 403 (SECURITY.md row 54)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from cinepass.sealing import new_key
from tests.media.conftest import PUBLIC_URL, TTL, MediaApi, assert_playable_mp4, serve_media_api
from tests.support import Api, bearer


def signed_parts(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}"


def assert_refused(r: httpx.Response) -> str:
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["statusCode"] == 403
    message: str = body["message"]
    return message


def test_a_signed_in_user_gets_a_signed_url_that_plays_and_seeks(
    media_api: MediaApi, user: tuple[str, str]
) -> None:
    user_id, token = user
    movie_id, slug = media_api.film("El ángel exterminador: ¿Qué?", 1962, ["drama", "comedia"])

    before = time.time()
    data = media_api.play(token, movie_id)

    assert data["kind"] == "local"
    assert data["mediaType"] == "video/mp4"
    assert data["position"] == 0
    assert data["duration"] == 24
    path, query = signed_parts(data["url"])
    assert path == f"/media/{slug}.mp4"
    assert not urlsplit(data["url"]).netloc, "a same-origin path, not an absolute URL"
    assert set(query) == {"user", "expires", "signature"}
    assert query["user"] == user_id
    expires_at = datetime.fromisoformat(data["expiresAt"]).timestamp()
    assert int(query["expires"]) == int(expires_at)
    assert before + TTL - 5 <= expires_at <= time.time() + TTL + 1

    # No token: the signature is what authorises a <video>.
    whole = media_api.http.get(data["url"])
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == len(whole.content)
    assert whole.headers["cache-control"].startswith("private")
    assert_playable_mp4(whole.content)

    size = len(whole.content)
    first = media_api.http.get(data["url"], headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.content == whole.content[:100]
    middle = media_api.http.get(data["url"], headers={"Range": f"bytes={size // 2}-"})
    assert middle.status_code == 206
    assert middle.headers["content-range"] == f"bytes {size // 2}-{size - 1}/{size}"
    assert middle.content == whole.content[size // 2 :]
    beyond = media_api.http.get(data["url"], headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"


def test_an_expired_url_is_403(media_api: MediaApi, user: tuple[str, str]) -> None:
    user_id, _ = user
    _, slug = media_api.film("Fantômas", 1913, ["crimen"])
    expired = media_api.signer().sign(f"/media/{slug}.mp4", user_id, now=time.time() - TTL - 1)
    assert "expired" in assert_refused(media_api.http.get(expired.url))


def test_a_url_with_any_part_changed_is_403(media_api: MediaApi, user: tuple[str, str]) -> None:
    _, token = user
    movie_id, _ = media_api.film("¿Quién sabe dónde?", 1974)
    other_id, other_slug = media_api.film("Mañana será otro día", 1967)
    media_api.play(token, other_id)
    path, query = signed_parts(media_api.play(token, movie_id)["url"])
    signature = query["signature"]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    tampered = [
        with_query(f"/media/{other_slug}.mp4", query),
        with_query(path, {**query, "user": query["user"] + "x"}),
        with_query(path, {**query, "expires": str(int(query["expires"]) + 3600)}),
        with_query(path, {**query, "signature": flipped}),
        with_query(path, {**query, "signature": signature[:-2]}),
    ]
    for url in tampered:
        assert "not valid" in assert_refused(media_api.http.get(url)), url
    assert media_api.http.get(with_query(path, query)).status_code == 200


def test_a_url_without_its_signature_is_403(media_api: MediaApi, user: tuple[str, str]) -> None:
    _, token = user
    movie_id, slug = media_api.film("Él y ella", 1950)
    path, query = signed_parts(media_api.play(token, movie_id)["url"])
    # The film's own source, as seeded, unsigned.
    assert_refused(media_api.http.get(f"/media/{slug}.mp4"))
    assert_refused(media_api.http.get(with_query(path, {"user": query["user"]})))
    without = {k: v for k, v in query.items() if k != "signature"}
    assert_refused(media_api.http.get(with_query(path, without)))
    assert_refused(media_api.http.get(with_query(path, {**query, "signature": ""})))


def test_a_url_is_bound_to_the_user_it_was_signed_for(media_api: MediaApi, api: Api) -> None:
    ana_id, ana_token = api.new_user()
    bruno_id, bruno_token = api.new_user()
    movie_id, _ = media_api.film("Los olvidados", 1950)
    ana_path, ana_query = signed_parts(media_api.play(ana_token, movie_id)["url"])
    _, bruno_query = signed_parts(media_api.play(bruno_token, movie_id)["url"])
    assert (ana_query["user"], bruno_query["user"]) == (ana_id, bruno_id)
    assert ana_query["signature"] != bruno_query["signature"]

    # Each URL plays as signed, whoever fetches it (a <video> sends no credentials) ...
    assert media_api.http.get(with_query(ana_path, ana_query)).status_code == 200
    assert (
        media_api.http.get(with_query(ana_path, ana_query), headers=bearer(bruno_token)).status_code
        == 200
    )
    # ... and no one can make it name someone else: the user is part of what is signed.
    assert_refused(media_api.http.get(with_query(ana_path, {**ana_query, "user": bruno_id})))
    mixed = {**bruno_query, "signature": ana_query["signature"]}
    assert_refused(media_api.http.get(with_query(ana_path, mixed)))


def test_playback_needs_a_signed_in_user(media_api: MediaApi) -> None:
    movie_id, _ = media_api.film("Viridiana", 1961)
    r = media_api.http.get(f"/api/movies/{movie_id}/playback")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_an_unknown_film_or_clip_is_404(media_api: MediaApi, user: tuple[str, str]) -> None:
    user_id, token = user
    assert media_api.playback("0" * 32, token).status_code == 404
    # A genuine signature for a clip no film names.
    signed = media_api.signer().sign("/media/ninguna-pelicula-1900.mp4", user_id)
    r = media_api.http.get(signed.url)
    assert r.status_code == 404
    assert r.json()["statusCode"] == 404
    assert not (media_api.dir / "ninguna-pelicula-1900.mp4").exists()


def test_an_external_source_is_played_elsewhere(
    media_api: MediaApi, api: Api, user: tuple[str, str]
) -> None:
    _, token = user
    source = "https://example.org/pel%C3%ADculas/nosferatu.mp4"
    movie_id = api.create_movie(title="Nosferatu, una sinfonía del horror", source=source)
    data = media_api.play(token, movie_id)
    assert data == {
        "kind": "external",
        "url": source,
        "mediaType": None,
        "expiresAt": None,
        "position": 0,
        "duration": None,
    }
    # Our address, but not one of our clips: external too (only /media/<slug>.mp4 is ours).
    elsewhere = api.create_movie(title="Tristana", source=f"{PUBLIC_URL}/otra/tristana.mp4")
    assert media_api.play(token, elsewhere)["kind"] == "external"


def test_rotated_keys_old_urls_play_while_the_old_key_verifies(
    api: Api, user: tuple[str, str], media_dir: Path
) -> None:
    _, token = user
    old, new = new_key(), new_key()
    with serve_media_api(api, media_dir, [old]) as before:
        movie_id, _ = before.film("Nazarín", 1959)
        old_url = before.play(token, movie_id)["url"]
        assert before.http.get(old_url, headers={"Range": "bytes=0-9"}).status_code == 206
    with serve_media_api(api, media_dir, [new, old]) as during:
        new_url = during.play(token, movie_id)["url"]
        assert signed_parts(new_url)[1]["signature"] != signed_parts(old_url)[1]["signature"]
        assert during.http.get(old_url, headers={"Range": "bytes=0-9"}).status_code == 206
        assert during.http.get(new_url, headers={"Range": "bytes=0-9"}).status_code == 206
    with serve_media_api(api, media_dir, [new]) as after:
        assert_refused(after.http.get(old_url))
        assert after.http.get(new_url, headers={"Range": "bytes=0-9"}).status_code == 206


def test_playback_counts_a_play_and_starts_where_the_user_stopped(
    media_api: MediaApi, api: Api, user: tuple[str, str]
) -> None:
    user_id, token = user
    movie_id, _ = media_api.film("La señora de nadie", 1982)
    plays = "SELECT count(*) FROM plays WHERE user_id = :u AND movie_id = :m"
    assert media_api.play(token, movie_id)["position"] == 0
    r = media_api.http.put(
        f"/api/movies/{movie_id}/progress",
        json={"position": 7.5, "duration": 24},
        headers=bearer(token),
    )
    assert r.status_code == 200, r.text
    assert media_api.play(token, movie_id)["position"] == 7.5
    assert api.db.scalar(plays, u=user_id, m=movie_id) == 2
