"""PageCache: serialised pages by their normalised query, valid for one generation."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    """Least recently used pages of one process.

    A reader takes `generation` before it reads the database and hands it back with the page:
    a page read before a change that the cache has since heard of is never stored, so no
    reader racing a writer can put an old page back.
    """

    def __init__(self, max_bytes: int, *, confirm_seconds: float) -> None:
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._confirm_seconds = confirm_seconds
        self._confirmed_until = 0.0
        self.generation = 0

    def get(self, key: Hashable) -> bytes | None:
        page = self._pages.get(key)
        if page is None or time.monotonic() >= self._confirmed_until:
            # (Not confirmed lately: another process's change may be unheard of, so the
            # database is read until a poll succeeds again.)
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: Hashable, generation: int, page: bytes) -> None:
        if generation != self.generation:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= len(old)
        self._pages[key] = page
        self._bytes += len(page)
        while self._bytes > self._max_bytes:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= len(dropped)

    def invalidate(self) -> None:
        """The catalogue changed: every page read so far is old."""
        self.generation += 1
        self._pages.clear()
        self._bytes = 0

    def confirm(self, started: float) -> None:
        """A poll that began at `started` (monotonic) found no change this cache missed."""
        self._confirmed_until = max(self._confirmed_until, started + self._confirm_seconds)
