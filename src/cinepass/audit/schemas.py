"""The audit trail on the wire."""

from __future__ import annotations

from typing import Any

from cinepass.schemas import ApiModel, UtcDateTime


class AuditEventOut(ApiModel):
    id: str
    at: UtcDateTime
    actor_user_id: str | None
    actor_api_key_id: str | None
    action: str
    target_type: str | None
    target_id: str | None
    outcome: str
    reason: str | None
    address: str | None
    user_agent: str | None
    request_id: str | None
    details: dict[str, Any]
