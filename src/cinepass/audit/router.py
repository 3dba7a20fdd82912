"""HTTP routes for /api/admin/audit: the audit trail, for the admin role."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BeforeValidator

from cinepass import scopes
from cinepass.audit import service
from cinepass.audit.actions import Action
from cinepass.audit.schemas import AuditEventOut
from cinepass.auth.dependencies import scoped
from cinepass.auth.tokens import Principal
from cinepass.db.dependencies import DbSession
from cinepass.responses import AUTHENTICATED
from cinepass.schemas import WITHOUT_NUL, Page

# RFC 3339 with its offset, as the document's `date-time` says: no bare dates, no Unix times.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: object) -> object:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("give a time as RFC 3339, e.g. 2026-12-05T09:30:00Z")
    return value


router = APIRouter(prefix="/api/admin/audit", tags=["admin"], responses=AUTHENTICATED)

Auditor = Annotated[Principal, scoped(scopes.READ_AUDIT)]


@router.get("", summary="List audit events, newest first")
async def list_audit_events(
    db: DbSession,
    _: Auditor,
    user: Annotated[
        str | None,
        Query(
            max_length=320,
            description="Events by or about this user (an id or an email)",
            json_schema_extra=WITHOUT_NUL,
        ),
    ] = None,
    action: Annotated[Action | None, Query(description="Only this action")] = None,
    since: Annotated[
        AwareDatetime | None,
        BeforeValidator(_rfc3339),
        Query(description="Only events at or after this time"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="`next` of the last page", json_schema_extra=WITHOUT_NUL),
    ] = None,
) -> Page[list[AuditEventOut]]:
    user_id = None
    if user is not None:
        user_id = await service.find_user_id(db, user.strip())
        if user_id is None:
            return Page(data=[], message="audit events listed", next=None)
    page = await service.list_events(
        db,
        user_id=user_id,
        actions=[action] if action else [],
        since=since,
        limit=limit,
        cursor=cursor,
    )
    events = [AuditEventOut.model_validate(e, from_attributes=True) for e in page.events]
    return Page(data=events, message="audit events listed", next=page.next_cursor)
