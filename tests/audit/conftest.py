"""Helpers for the audit trail's tests: read the trail through the admin route."""

from __future__ import annotations

import uuid
from typing import Any

from tests.cli.conftest import cli, pycache
from tests.support import Api, bearer

# The CLI's fixtures, for the audit commands and the operator's changes they record.
__all__ = ["cli", "pycache"]

AGENT = "Navegador-de-pruebas/1.0 (cinepass; nandu)"


def email() -> str:
    return f"auditoría-{uuid.uuid4().hex[:8]}@correo.es"


def trail(api: Api, **filters: Any) -> list[dict[str, Any]]:
    """The audit events the admin route lists for `filters`, newest first."""
    r = api.http.get(
        "/api/admin/audit", params={"limit": 500, **filters}, headers=bearer(api.admin_token())
    )
    assert r.status_code == 200, r.text
    events: list[dict[str, Any]] = r.json()["data"]
    return events


def one(api: Api, action: str, **filters: Any) -> dict[str, Any]:
    """The newest event of `action` matching `filters`."""
    events = trail(api, action=action, **filters)
    assert events, (action, filters)
    return events[0]


def rows(api: Api) -> list[tuple[Any, ...]]:
    """Every audit row, every column, straight from the table."""
    return api.db.query("SELECT * FROM audit_events")
