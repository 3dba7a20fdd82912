"""The database pool's connections in use, kept by the pool's own checkout and checkin events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from cinepass.metrics.instruments import DB_POOL_IN_USE


def _checked_out(*_: Any) -> None:
    DB_POOL_IN_USE.inc()


def _checked_in(*_: Any) -> None:
    DB_POOL_IN_USE.dec()


def watch_pool(engine: AsyncEngine) -> None:
    pool = engine.sync_engine.pool
    event.listen(pool, "checkout", _checked_out)
    event.listen(pool, "checkin", _checked_in)
