"""Listing: the catalogue's pages, from this process's cache when it may, else the database."""

from __future__ import annotations

from collections.abc import Iterable

from cinepass.metrics import instruments as metrics
from cinepass.movies.pages import PageQuery, PageReader
from cinepass.page_cache.store import PageCache
from cinepass.text import nfc


def page_query(tags: Iterable[str], q: str | None, limit: int, cursor: str | None) -> PageQuery:
    """A list request's parameters, validated by the caller, in the one form pages are kept
    under: "drama " and "drama" are one page, as are a composed and a decomposed "ñ"."""
    return PageQuery(
        tags=tuple(nfc(tag.strip()) for tag in tags),
        q=q.strip() or None if q else None,
        limit=limit,
        cursor=cursor,
    )


class Listing:
    """Pages as bytes; with a cache, each one read from the database once per generation."""

    def __init__(self, reader: PageReader, cache: PageCache | None) -> None:
        self._reader = reader
        self.cache = cache

    async def page(self, query: PageQuery) -> bytes:
        cache = self.cache
        page = cache.get(query) if cache is not None else None
        metrics.catalogue_page(cached=page is not None)
        if page is None:
            generation = cache.generation if cache is not None else 0
            page = await self._reader.read(query)
            if cache is not None:
                cache.put(query, generation, page)
        return page

    async def close(self) -> None:
        await self._reader.close()
