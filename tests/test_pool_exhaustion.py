"""An exhausted connection pool is an overload (503, retry), never a 500 with a traceback."""

from __future__ import annotations

import httpx
from sqlalchemy.exc import TimeoutError as PoolTimeout

from cinepass.api import create_app
from tests.conftest import make_settings
from tests.support import LiveServer


def test_a_pool_timeout_answers_503_json_with_retry_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path}/pool.db"))

    @app.get("/pool-is-full")
    async def pool_is_full() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    from cinepass.db import migrate

    migrate.upgrade(make_settings(f"sqlite+aiosqlite:///{tmp_path}/pool.db"))
    with LiveServer(app) as server:
        r = httpx.get(f"{server.url}/pool-is-full")
    assert r.status_code == 503
    assert r.json()["statusCode"] == 503
    assert r.headers["retry-after"]
    assert "QueuePool" not in r.text
