"""The list URLs the bench drives, by kind: many per kind, so that no figure rests on one URL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench import catalogue, lua
from bench.server import ServerError

KINDS = ("first", "tags", "q", "deep")
LABELS = {
    "first": "first pages (limit 15-25)",
    "tags": "?tags= first pages",
    "q": "?q= first pages",
    "deep": "deep pages (cursors)",
    "mix": "all four kinds, in turn",
}


def list_path(**params: str | int | list[str]) -> str:
    return "/api/movies?" + urlencode(params, doseq=True)


def list_paths(url: str, per_kind: int = 64) -> dict[str, list[str]]:
    """`per_kind` paths of each kind, and `mix` (all of them interleaved)."""
    tags = catalogue.TAGS
    pairs = [[tags[i], tags[(i * 5 + 3) % len(tags)]] for i in range(per_kind - len(tags))]
    paths = {
        "first": [list_path(limit=15 + i % 11) for i in range(per_kind)],
        "tags": [list_path(tags=[t], limit=20) for t in tags][:per_kind]
        + [list_path(tags=p, limit=20) for p in pairs],
        "q": [list_path(q=w, limit=20) for w in catalogue.search_words(per_kind)],
        "deep": [
            list_path(limit=20, cursor=c) for c in asyncio.run(catalogue.cursors(url, per_kind))
        ],
    }
    paths["mix"] = [p for group in zip(*paths.values(), strict=False) for p in group]
    return paths


def check(api_url: str, paths: list[str], headers: dict[str, str]) -> None:
    """Every path answers 200 before wrk times it."""
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as http:
        for path in paths:
            response = http.get(path)
            if response.status_code != 200:
                raise ServerError(
                    f"GET {path} answered {response.status_code}: {response.text[:200]}"
                )


def script(directory: Path, kind: str, paths: list[str], headers: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return lua.rotate(
        directory / f"list-{kind}.lua", [lua.Request(kind, p) for p in paths], headers
    )
