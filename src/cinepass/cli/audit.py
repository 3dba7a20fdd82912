"""`cinepass audit`: read the audit trail, export it for a SIEM, prune it past its retention."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Column, Table
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.audit import service
from cinepass.audit.actions import Action
from cinepass.audit.models import AuditEvent
from cinepass.cli.runtime import console, fail, load_settings, print_table, with_session
from cinepass.db.base import utcnow

app = typer.Typer(help="The audit trail: who did what, when, from where.", no_args_is_help=True)

_SPAN = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Export reads in pages of this many: memory stays flat however long the trail.
_EXPORT_PAGE = 500


def parse_since(text: str) -> timedelta:
    """`30m`, `1h`, `2d`, `1w`: how far back."""
    found = _SPAN.fullmatch(text.strip())
    if found is None:
        fail(f"--since {text!r} is not a span", "e.g. 30m, 1h, 2d, 1w")
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


def as_wire(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actorUserId": event.actor_user_id,
        "actorApiKeyId": event.actor_api_key_id,
        "action": event.action,
        "targetType": event.target_type,
        "targetId": event.target_id,
        "outcome": event.outcome,
        "reason": event.reason,
        "address": event.address,
        "userAgent": event.user_agent,
        "requestId": event.request_id,
        "details": event.details,
    }


async def _page(
    db: AsyncSession,
    user: str | None,
    action: str | None,
    since: datetime | None,
    limit: int,
    cursor: str | None = None,
) -> service.AuditPage | None:
    user_id = None
    if user is not None:
        user_id = await service.find_user_id(db, user)
        if user_id is None:
            return None
    return await service.list_events(
        db,
        user_id=user_id,
        actions=[action] if action else [],
        since=since,
        limit=limit,
        cursor=cursor,
    )


def _check_action(action: str | None) -> None:
    if action is not None and action not in set(Action):
        fail(f"unknown action {action!r}", f"actions: {', '.join(Action)}")


def _since(since: str | None) -> datetime | None:
    return utcnow() - parse_since(since) if since else None


@app.command("list")
def list_events(
    user: Annotated[str | None, typer.Option(help="Events by or about this email")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. auth.sign_in")] = None,
    since: Annotated[str | None, typer.Option(help="Only the last 30m, 1h, 2d, 1w...")] = None,
    limit: Annotated[int, typer.Option(min=1, max=service.MAX_PAGE_SIZE)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array")] = False,
) -> None:
    """The newest audit events first: when, action, outcome, actor, target, address, request."""
    _check_action(action)
    start = _since(since)
    page = with_session(lambda db: _page(db, user, action, start, limit))
    events = page.events if page else []
    if as_json:
        print(json.dumps([as_wire(e) for e in events], ensure_ascii=False))
        return
    if not events:
        console.print("no audit events")
        return
    table = Table(
        Column("when (UTC)", no_wrap=True),
        *(
            Column(header, overflow="fold")
            for header in ("action", "outcome", "actor", "target", "address", "request id")
        ),
    )
    for event in events:
        outcome = escape(event.outcome + (f" ({event.reason})" if event.reason else ""))
        style = "green" if event.outcome == "success" else "bold red"
        actor = event.actor_user_id or event.details.get("via", "-")
        target = f"{event.target_type}:{event.target_id}" if event.target_type else "-"
        table.add_row(
            f"{event.at:%Y-%m-%d %H:%M:%S}",
            event.action,
            f"[{style}]{outcome}[/]",
            escape(str(actor)),
            escape(target),
            escape(event.address or "-"),
            escape(event.request_id or "-"),
        )
    print_table(table)


@app.command()
def export(
    since: Annotated[str | None, typer.Option(help="Only the last 30m, 1h, 2d, 1w...")] = None,
) -> None:
    """Every audit event (newest first) as JSON lines on stdout, for a SIEM."""
    start = _since(since)

    async def write_all(db: AsyncSession) -> int:
        count, cursor = 0, None
        while True:
            page = await service.list_events(db, since=start, limit=_EXPORT_PAGE, cursor=cursor)
            for event in page.events:
                print(json.dumps(as_wire(event), ensure_ascii=False))
            count += len(page.events)
            if page.next_cursor is None:
                return count
            cursor = page.next_cursor

    with_session(write_all)


@app.command()
def prune() -> None:
    """Delete the events older than CINEPASS_AUDIT_RETENTION_DAYS (default 365)."""
    days = load_settings().audit.retention_days
    count = with_session(lambda db: service.prune(db, timedelta(days=days)))
    console.print(f"[green]pruned[/] {count} audit events older than {days} days")
