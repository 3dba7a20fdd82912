"""CatalogueWatch: moves a PageCache's generation on when the catalogue changes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from cinepass.page_cache.models import CatalogueVersion
from cinepass.page_cache.store import PageCache

log = structlog.get_logger(__name__)

CATALOGUE_TABLES = frozenset({"movies", "movie_tags"})
_CHANGED = "cinepass.catalogue_changed"


def _is_catalogue(obj: object) -> bool:
    return getattr(obj, "__tablename__", None) in CATALOGUE_TABLES


class CatalogueWatch:
    """This process's own changes drop the cache when they commit; a poll finds the others."""

    def __init__(self, cache: PageCache, engine: AsyncEngine, poll_seconds: float) -> None:
        self.cache = cache
        self._engine = engine
        self._poll_seconds = poll_seconds
        self._version: int | None = None
        self._failing = False

    def watch_sessions(self, session_class: type[Session]) -> None:
        """Listen to the sessions of this process's sessionmaker (its own Session class)."""
        event.listen(session_class, "before_flush", self._before_flush)
        event.listen(session_class, "do_orm_execute", self._on_execute)
        event.listen(session_class, "after_commit", self._after_commit)
        event.listen(session_class, "after_soft_rollback", self._after_rollback)

    def _before_flush(self, session: Session, _context: UOWTransaction, _: Any) -> None:
        if any(map(_is_catalogue, (*session.new, *session.dirty, *session.deleted))):
            session.info[_CHANGED] = True

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_select or state.bind_mapper is None:
            return
        if state.bind_mapper.local_table.name in CATALOGUE_TABLES:  # type: ignore[attr-defined]
            state.session.info[_CHANGED] = True

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            self.cache.invalidate()

    def _after_rollback(self, session: Session, _previous: Any) -> None:
        session.info.pop(_CHANGED, None)

    async def poll(self) -> None:
        """Read the catalogue's version once; a new one drops every cached page."""
        started = time.monotonic()
        async with self._engine.connect() as conn:
            version = await conn.scalar(select(CatalogueVersion.version))
        if version != self._version:
            self.cache.invalidate()
            self._version = version
        self.cache.confirm(started)

    async def run(self) -> None:
        """Poll for as long as the process runs, outliving database outages."""
        while True:
            try:
                await self.poll()
                if self._failing:
                    log.info("catalogue version readable again: cached pages served")
                self._failing = False
            except Exception as exc:
                if not self._failing:
                    log.warning(
                        "cannot read the catalogue version: pages are read from the database",
                        error=f"{type(exc).__name__}: {exc}",
                    )
                self._failing = True
            await asyncio.sleep(self._poll_seconds)
