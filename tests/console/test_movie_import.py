"""POST /api/admin/movies/import: the CLI importer's validation and per-row report, over HTTP."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from tests.support import Api, bearer, movie_body

FIELDS = ["title", "year", "cover", "description", "duration", "contentRating", "source", "tags"]


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {**row, "tags": "|".join(row["tags"]) if isinstance(row["tags"], list) else row["tags"]}
        )
    return out.getvalue().encode()


def send(api: Api, token: str, body: bytes, media_type: str, **params: str) -> Any:
    return api.http.post(
        "/api/admin/movies/import",
        content=body,
        params=params,
        headers={**bearer(token), "Content-Type": media_type},
    )


def catalogue(api: Api, token: str, marker: str) -> dict[str, dict[str, Any]]:
    r = api.http.get("/api/movies", params={"q": marker, "limit": 100}, headers=bearer(token))
    assert r.status_code == 200, r.text
    return {m["title"]: m for m in r.json()["data"]}


def test_a_spanish_csv_is_imported_once_and_updated_on_request(api: Api, admin_token: str) -> None:
    marker = uuid.uuid4().hex[:8]
    films = [
        movie_body(title=f"{marker} El ángel exterminador", year=1962, duration=95, tags=["drama"]),
        movie_body(title=f"{marker} Ñandú en la niebla", year=1988, tags=["documental", "fauna"]),
    ]
    body = as_csv(films)

    first = send(api, admin_token, body, "text/csv; charset=utf-8")
    assert first.status_code == 200, first.text
    assert first.json()["data"] == {"created": 2, "updated": 0, "skipped": 0, "errors": []}
    again = send(api, admin_token, body, "text/csv")
    assert again.json()["data"] == {"created": 0, "updated": 0, "skipped": 2, "errors": []}
    movies = catalogue(api, admin_token, marker)
    assert set(movies) == {f"{marker} El ángel exterminador", f"{marker} Ñandú en la niebla"}
    assert movies[f"{marker} Ñandú en la niebla"]["tags"] == ["documental", "fauna"]

    # The same film written otherwise (case, accents) is the same film; with update it changes.
    changed = [movie_body(title=f"{marker.upper()} EL ANGEL EXTERMINADOR", year=1962, duration=93)]
    updated = send(
        api, admin_token, json.dumps(changed).encode(), "application/json", update="true"
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"] == {"created": 0, "updated": 1, "skipped": 0, "errors": []}
    movies = catalogue(api, admin_token, marker)
    assert movies[f"{marker.upper()} EL ANGEL EXTERMINADOR"]["duration"] == 93
    assert len(movies) == 2


def test_bad_rows_are_reported_and_the_good_ones_imported(api: Api, admin_token: str) -> None:
    marker = uuid.uuid4().hex[:8]
    rows = [
        movie_body(title=f"{marker} Buena 1"),
        movie_body(title=f"{marker} Año malo", year="mil novecientos"),
        movie_body(title=f"{marker} Buena 2", tags=""),
        movie_body(title=f"{marker} Portada mala", cover="javascript:alert(1)"),
    ]
    r = send(api, admin_token, as_csv(rows), "text/csv")
    assert r.status_code == 200, r.text
    report = r.json()["data"]
    assert (report["created"], report["skipped"]) == (2, 0)
    assert [e["row"] for e in report["errors"]] == [2, 4]
    assert "year" in report["errors"][0]["message"]
    assert "cover" in report["errors"][1]["message"]
    assert set(catalogue(api, admin_token, marker)) == {f"{marker} Buena 1", f"{marker} Buena 2"}

    # A JSON array's rows too, whatever each one is.
    r = send(api, admin_token, json.dumps([1, {"title": "x"}]).encode(), "application/json")
    assert r.status_code == 200, r.text
    assert [e["row"] for e in r.json()["data"]["errors"]] == [1, 2]


def test_a_wrong_csv_header_is_one_400_naming_missing_and_unknown_columns(
    api: Api, admin_token: str
) -> None:
    marker = uuid.uuid4().hex[:8]
    body = (
        "Title,year,poster,description,duration,contentRating,source,géneros\n"
        f"{marker} Fantômas,1913,https://example.org/f.svg,El genio del crimen,54,NR,"
        "https://example.org/f.mp4,crimen\n"
    ).encode()
    r = send(api, admin_token, body, "text/csv")
    assert r.status_code == 400, r.text
    message = r.json()["message"]
    assert "missing title, cover" in message
    assert "unknown 'Title', 'poster', 'géneros'" in message
    assert catalogue(api, admin_token, marker) == {}


def test_bodies_that_are_no_rows_are_refused(api: Api, admin_token: str) -> None:
    assert send(api, admin_token, b'{"title": "x"}', "application/json").status_code == 400
    assert send(api, admin_token, b"[not json", "application/json").status_code == 400
    assert send(api, admin_token, b"\xff\xfe", "text/csv").status_code == 400
    assert send(api, admin_token, b"title\n", "text/plain").status_code == 415
    # Its own limit (CINEPASS_REQUEST_IMPORT_BODY_MAX_BYTES, 1 MiB), over the API's 64 KiB.
    assert send(api, admin_token, b"x" * (65 * 1024), "text/csv").status_code == 400
    big = b"x" * (1024 * 1024 + 1)
    assert send(api, admin_token, big, "text/csv").status_code == 413


def test_importing_needs_create_movies(api: Api, user: tuple[str, str]) -> None:
    r = send(api, user[1], as_csv([movie_body()]), "text/csv")
    assert r.status_code == 403
