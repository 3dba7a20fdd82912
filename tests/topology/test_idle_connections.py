"""PostgreSQL closed every pooled connection while the API sat idle (a restart, an idle timeout,
an operator's pg_terminate_backend): the next requests are answered as usual, not with 503s."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support import Api, bearer, movie_body

# Soon after, and after a while: either way the pool's ping (db/engine.py) finds them closed.
PAUSES = (0.3, 1.2)


def test_connections_closed_while_idle_cost_no_request(
    api: Api, admin_token: str, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to close connections")
    marker = uuid.uuid4().hex[:10]
    api.create_movie(admin_token, title=f"Conexión {marker}")
    for pause in PAUSES:
        closed = api.db.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert closed, "the API held no connection to close"
        time.sleep(pause)
        # A page no cache holds (its own search), a write and a sign-in, each on its own path.
        listed = api.http.get(
            "/api/movies", params={"q": f"conexión {marker}"}, headers=bearer(admin_token)
        )
        assert listed.status_code == 200, listed.text
        assert [m["title"] for m in listed.json()["data"]] == [f"Conexión {marker}"]
        added = api.http.post(
            "/api/movies", json=movie_body(title=f"Otra {marker} 🎬"), headers=bearer(admin_token)
        )
        assert added.status_code == 201, added.text
        signed_in = api.sign_in(api.admin_email, api.admin_password, api.admin_key)
        assert signed_in.status_code == 200, signed_in.text
